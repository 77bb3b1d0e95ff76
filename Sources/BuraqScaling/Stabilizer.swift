/// The HPA's stabilization windows over the recommendation history
/// (`stabilizeRecommendationWithBehaviors`).
public enum Stabilizer: Sendable {
    /// Starts from `current`, raises it to the lowest recommendation of the scale-up window
    /// (`desired` included), then lowers it to the highest recommendation of the scale-down window
    /// (`desired` included). A recommendation counts while its age is below the window.
    public static func stabilize(
        desired: Int32, current: Int32, recommendations: [ScalingHistory.Recommendation],
        scaleUpWindowSeconds: Int32, scaleDownWindowSeconds: Int32, now: ScalingTime
    ) -> Int32 {
        var upRecommendation = desired
        var downRecommendation = desired
        for recommendation in recommendations {
            if recommendation.time.isInWindow(seconds: scaleUpWindowSeconds, endingAt: now) {
                upRecommendation = min(recommendation.replicas, upRecommendation)
            }
            if recommendation.time.isInWindow(seconds: scaleDownWindowSeconds, endingAt: now) {
                downRecommendation = max(recommendation.replicas, downRecommendation)
            }
        }
        var stabilized = current
        if stabilized < upRecommendation { stabilized = upRecommendation }
        if stabilized > downRecommendation { stabilized = downRecommendation }
        return stabilized
    }
}
