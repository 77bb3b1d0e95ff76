import BuraqController
import Testing

struct RFC3339SharedSecondTests {
    @Test(arguments: [Int64(0), 999, 1_000, 1_764_850_464_123, 1_764_850_464_999, -1, -999, -1_000, -1_001])
    func givesTheWholeSecondAsFormatDoes(milliseconds: Int64) {
        let second = Int64((Double(milliseconds) / 1000).rounded(.down))
        #expect(RFC3339.sharedSecond(milliseconds: milliseconds) == RFC3339.format(milliseconds: second * 1000))
    }

    @Test func callersInTheSameSecondShareOneString() {
        func address(_ text: String) -> UnsafeRawPointer? {
            var text = text
            return text.withUTF8 { UnsafeRawPointer($0.baseAddress) }
        }
        let first = RFC3339.sharedSecond(milliseconds: 1_764_850_464_001)
        #expect(first == "2025-12-04T12:14:24Z")
        // Tests running in parallel may format another second in between: one clean pair is enough.
        var shared = false
        for _ in 0..<100 where !shared {
            let a = RFC3339.sharedSecond(milliseconds: 1_764_850_464_001)
            let b = RFC3339.sharedSecond(milliseconds: 1_764_850_464_998)
            #expect(a == first && b == first)
            shared = address(a) == address(b)
        }
        #expect(shared)
    }
}
