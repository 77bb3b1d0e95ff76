extension Duration {
    /// The duration in seconds, fractions included: for metrics (`_seconds`), rates and log fields.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
