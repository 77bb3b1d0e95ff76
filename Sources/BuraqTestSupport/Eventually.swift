/// Polls `condition` every 10 ms until it holds or `timeout` passes, then looks once more; returns
/// whether it held. For state that another task or process makes true: wait on this rather than
/// a fixed sleep. An error `condition` throws ends the wait.
public func eventually(_ timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(10))
    }
    return try await condition()
}
