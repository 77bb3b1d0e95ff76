print("buraq-worker")
