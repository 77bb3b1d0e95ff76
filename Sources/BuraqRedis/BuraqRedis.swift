// BuraqRedis: module placeholder, replaced by its implementation.
