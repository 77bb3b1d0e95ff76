// BuraqScaling: module placeholder, replaced by its implementation.
