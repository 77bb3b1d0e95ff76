@testable import BuraqController
import Testing

struct DictionaryShrinkTests {
    @Test func aSparseDictionaryMovesToSmallerStorageAndKeepsItsElements() {
        var numbers = Dictionary(uniqueKeysWithValues: (0..<1000).map { ($0, "n\($0)") })
        let full = numbers.capacity
        let kept = full / 8 + 1
        for key in 0..<(1000 - kept) { numbers[key] = nil }
        numbers.shrinkIfSparse()
        #expect(numbers.capacity == full, "More than an eighth is used: kept")
        for key in (1000 - kept)..<990 { numbers[key] = nil }
        numbers.shrinkIfSparse()
        #expect(numbers.capacity < full / 8)
        #expect(numbers.capacity >= 20)
        #expect(numbers == Dictionary(uniqueKeysWithValues: (990..<1000).map { ($0, "n\($0)") }))
    }

    @Test func smallStorageIsLeftAlone() {
        var numbers = Dictionary(uniqueKeysWithValues: (0..<40).map { ($0, $0) })
        let capacity = numbers.capacity
        for key in 0..<39 { numbers[key] = nil }
        numbers.shrinkIfSparse()
        #expect(numbers.capacity == capacity)
        #expect(numbers == [39: 39])
    }
}
