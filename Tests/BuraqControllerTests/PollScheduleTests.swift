@testable import BuraqController
import BuraqTestSupport
import Testing

/// `PollSchedule` against a plain dictionary model, over random operation sequences.
struct PollScheduleTests {
    @Test(arguments: 0..<12)
    func behavesLikeADictionaryOfDueTimes(seed: Int) {
        var g = SeededRandom(seed: UInt64(seed))
        var schedule = PollSchedule<Int, Int>()
        var model: [Int: (due: Int, order: Int)] = [:]
        var order = 0
        var now = 0
        for step in 0..<1_000 {
            let key = Int.random(in: 0..<(seed % 2 == 0 ? 8 : 200), using: &g)
            switch Int.random(in: 0..<10, using: &g) {
            case 0..<5:
                let due = now + Int.random(in: -5...50, using: &g)
                schedule.schedule(key, at: due)
                order += 1
                model[key] = (due, order)
            case 5..<7:
                #expect(schedule.remove(key) == (model.removeValue(forKey: key) != nil), "step \(step)")
            case 7:
                now += Int.random(in: 0...20, using: &g)
            default:
                // Earliest due first; among equal due times, the one scheduled first.
                let expected = model.filter { $0.value.due <= now }.min { ($0.value.due, $0.value.order) < ($1.value.due, $1.value.order) }?.key
                let popped = schedule.popDue(now: now)
                #expect(popped == expected, "step \(step)")
                if let popped { model.removeValue(forKey: popped) }
            }
            #expect(schedule.count == model.count, "step \(step)")
            #expect(schedule.contains(key) == (model[key] != nil), "step \(step)")
            #expect(schedule.nextDue() == model.values.map(\.due).min(), "step \(step)")
        }
    }

    @Test func reschedulingMovesAKeyInsteadOfAddingIt() {
        var schedule = PollSchedule<String, Int>()
        schedule.schedule("a", at: 10)
        schedule.schedule("b", at: 20)
        schedule.schedule("a", at: 30)
        #expect(schedule.count == 2)
        #expect(schedule.popDue(now: 25) == "b")
        #expect(schedule.popDue(now: 25) == nil)
        #expect(schedule.nextDue() == 30)
        #expect(schedule.popDue(now: 30) == "a")
        #expect(schedule.nextDue() == nil)
    }

    @Test func manyReschedulesKeepTheHeapSmall() {
        var schedule = PollSchedule<Int, Int>()
        for round in 0..<1_000 {
            for key in 0..<10 { schedule.schedule(key, at: round * 10 + key) }
        }
        #expect(schedule.count == 10)
        #expect(schedule.storedEntries <= 64 + 2 * 10)
        var popped: [Int] = []
        while let key = schedule.popDue(now: .max) { popped.append(key) }
        #expect(popped == Array(0..<10))
    }
}
