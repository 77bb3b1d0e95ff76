import ArgumentParser
import BuraqRedis
import Foundation

/// `--output text|json` of the admin commands.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json
}

/// Output helpers shared by the admin commands.
enum Render {
    /// Rows as aligned columns under a header, two spaces apart.
    static func table(_ header: [String], _ rows: [[String]]) -> String {
        var widths = header.map(\.count)
        for row in rows {
            for (i, cell) in row.enumerated() where i < widths.count { widths[i] = max(widths[i], cell.count) }
        }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { i, cell in
                i == cells.count - 1 ? cell : cell.padding(toLength: widths[i] + 2, withPad: " ", startingAt: 0)
            }.joined()
        }
        return ([line(header)] + rows.map(line)).joined(separator: "\n")
    }

    /// A JSON value (dictionaries, arrays, strings, numbers, NSNull) as one line with sorted keys.
    static func json(_ value: Any) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed])) ?? Data("null".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// ms since the epoch as `2026-12-03T18:00:00Z`.
    static func time(_ milliseconds: Int64) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }

    /// A duration in ms as `3.2s`, `4m10s`, `2h5m`, `3d4h`.
    static func age(_ milliseconds: Int64) -> String {
        let s = max(0, milliseconds) / 1000
        if s < 60 { return String(format: "%.1fs", Double(max(0, milliseconds)) / 1000) }
        if s < 3600 { return "\(s / 60)m\(s % 60)s" }
        if s < 86_400 { return "\(s / 3600)h\(s % 3600 / 60)m" }
        return "\(s / 86_400)d\(s % 86_400 / 3600)h"
    }
}

extension QueueOptions {
    /// Runs `body` with a client for these options, closes it, and turns errors into the CLI's
    /// one-line messages and exit codes (an `ExitCode` thrown by `body` passes through).
    func withClient<T>(_ body: (RedisClient) async throws -> T) async throws -> T {
        do {
            let redis = try client()
            defer { redis.close() }
            return try await body(redis)
        } catch let exit as ExitCode {
            throw exit
        } catch {
            throw CLIExit.report(error)
        }
    }
}
