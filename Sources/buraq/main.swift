print("buraq")
