import BuraqBase
import Testing

struct DurationSecondsTests {
    @Test(arguments: [
        (Duration.zero, 0.0), (.seconds(10), 10.0), (.milliseconds(1500), 1.5), (.microseconds(250), 0.00025),
        (.nanoseconds(1), 1e-9), (.milliseconds(-250), -0.25), (.seconds(-3) - .milliseconds(500), -3.5),
    ])
    func secondsIncludeTheFraction(duration: Duration, expected: Double) {
        #expect(abs(duration.seconds - expected) < 1e-15)
    }
}
