// BuraqKube: module placeholder, replaced by its implementation.
