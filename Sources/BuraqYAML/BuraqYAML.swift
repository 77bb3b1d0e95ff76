// BuraqYAML: module placeholder, replaced by its implementation.
