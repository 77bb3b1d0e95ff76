// BuraqQueue: module placeholder, replaced by its implementation.
