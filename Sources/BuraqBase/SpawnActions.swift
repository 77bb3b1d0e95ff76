import CGNUExtensions
#if canImport(Glibc)
import Glibc
#endif

/// File actions for `posix_spawn` beyond what Swift's Glibc module shows.
public enum SpawnActions: Sendable {
    /// Closes every descriptor from `lowest` up in the child (glibc's
    /// `posix_spawn_file_actions_addclosefrom_np`). Without it the child inherits every descriptor
    /// of the parent that is not close-on-exec, sockets among them (SwiftNIO accepts without
    /// `SOCK_CLOEXEC`): a child holding a copy of a socket keeps the connection open after the
    /// parent closes it, and the peer never sees it end. Returns 0 or an errno value.
    @discardableResult
    public static func closeInherited(_ actions: inout posix_spawn_file_actions_t, from lowest: Int32 = 3) -> Int32 {
        buraq_spawn_close_from(&actions, lowest)
    }
}
