import BuraqAPI
import BuraqTestSupport
import BuraqYAML
import Testing

/// Mutated TaskQueue manifests through the whole check (parse, decode, unknown fields, every
/// rule): each ends valid or with problems that carry a position, never with a crash.
struct ManifestFuzzTests {
    static let tokens = [
        "-1", "0", "2147483648", "9223372036854775808", "~", "\"\"", "[]", "{}", "yes", "0.5", "\"0.05\"", "50m",
        "-.inf", ".nan", "a b", "&x", "*x", "<<", "Pods", "Percent", "Max", "Disabled", "lag", "\u{7F}", "é",
    ]

    /// 1,500 checks take a second: on a thread of its own, not the tests' pool.
    @Test func mutatedManifestsAreCheckedWithoutCrashing() async throws {
        let seed = try RepositoryFiles.text("manifests/examples/taskqueue-full.yaml")
            + "---\n" + RepositoryFiles.text("manifests/examples/taskqueue-hpa-behavior.yaml")
        let lines = seed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(try TaskQueueManifest.read(seed, file: "seed").allSatisfy(\.isValid))
        let (valid, invalid, unplaced) = try await onIdleThread {
            var random = SeededRandom(seed: 99)
            var valid = 0
            var invalid = 0
            var unplaced: [String] = []  // problems without a position or a message
            for _ in 0..<1500 {
                var mutated = lines
                for _ in 0..<Int.random(in: 1...3, using: &random) {
                    let index = Int.random(in: 0..<mutated.count, using: &random)
                    let line = mutated[index]
                    if let colon = line.firstIndex(of: ":"), Bool.random(using: &random) {
                        mutated[index] = line[...colon] + " " + Self.tokens.randomElement(using: &random)!
                    } else if Bool.random(using: &random) {
                        mutated.remove(at: index)
                    } else {
                        mutated.insert(mutated.randomElement(using: &random)!, at: index)
                    }
                }
                guard let documents = try? TaskQueueManifest.read(mutated.joined(separator: "\n"), file: "f.yaml") else {
                    continue
                }
                for document in documents {
                    if document.isValid { valid += 1 } else { invalid += 1 }
                    for problem in document.problems where problem.line < 1 || problem.column < 1 || problem.message.isEmpty {
                        unplaced.append("\(problem)")
                    }
                }
            }
            return (valid, invalid, unplaced)
        }
        #expect(unplaced.isEmpty, "\(unplaced.prefix(3))")
        // Most mutations break a rule, a few keep the file valid; both must be seen.
        #expect(valid > 0 && invalid > 100, "valid \(valid), invalid \(invalid)")
    }
}
