// BuraqTestSupport: module placeholder, replaced by its implementation.
