// swift-tools-version:6.1
import PackageDescription

// Buraq: a task queue on Redis Streams with a Kubernetes operator that scales its workers.
// Module dependencies point one way, top to bottom of ../shared/design.md's module table.

let package = Package(
    name: "buraq",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "BuraqRedis", targets: ["BuraqRedis"]),
        .library(name: "BuraqQueue", targets: ["BuraqQueue"]),
        .library(name: "BuraqYAML", targets: ["BuraqYAML"]),
        .library(name: "BuraqKube", targets: ["BuraqKube"]),
        .library(name: "BuraqScaling", targets: ["BuraqScaling"]),
        .library(name: "BuraqKubeFake", targets: ["BuraqKubeFake"]),
        .library(name: "BuraqAPI", targets: ["BuraqAPI"]),
        .library(name: "BuraqHTTP", targets: ["BuraqHTTP"]),
        .library(name: "BuraqMetrics", targets: ["BuraqMetrics"]),
        .library(name: "BuraqController", targets: ["BuraqController"]),
        .library(name: "BuraqGateway", targets: ["BuraqGateway"]),
        .executable(name: "buraq", targets: ["buraq"]),
        .executable(name: "buraq-worker", targets: ["buraq-worker"]),
        .executable(name: "buraq-controller", targets: ["buraq-controller"]),
        .executable(name: "buraq-fake-apiserver", targets: ["buraq-fake-apiserver"]),
        .executable(name: "buraq-gateway", targets: ["buraq-gateway"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.1.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Already built as swift-nio's dependency; its Deque holds the status writer's queues.
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.1.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
    ],
    targets: [
        // System libraries (Debian packages; pkg-config names).
        // hiredis.pc adds -D_FILE_OFFSET_BITS=64, a flag SwiftPM prohibits (it warns on every build);
        // the header is found as <hiredis/hiredis.h> under /usr/include and the modulemap links -lhiredis.
        .systemLibrary(name: "CHiredis", providers: [.apt(["libhiredis-dev"])]),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CYAML", pkgConfig: "yaml-0.1", providers: [.apt(["libyaml-dev"])]),
        .systemLibrary(name: "CMalloc"),  // glibc's <malloc.h> (mallopt, malloc_trim)
        .systemLibrary(name: "CGNUExtensions"),  // GNU extensions through typed wrappers: thread names, posix_spawn closefrom

        // Libraries.
        .target(name: "BuraqBase", dependencies: ["CGNUExtensions"]),
        .target(name: "BuraqYAML", dependencies: ["CYAML"]),
        .target(
            name: "BuraqRedis",
            dependencies: ["CHiredis", "BuraqBase", .product(name: "Logging", package: "swift-log")]
        ),
        .target(
            name: "BuraqQueue",
            dependencies: [
                "BuraqRedis", "BuraqBase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "BuraqKube",
            dependencies: [
                "CCurl", "BuraqYAML", "BuraqBase",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(name: "BuraqScaling"),
        .target(name: "BuraqAPI", dependencies: ["BuraqYAML", "BuraqScaling", "BuraqQueue"]),
        // Minimal HTTP/1.1 server (metrics, probes, later the gateway).
        .target(
            name: "BuraqHTTP",
            dependencies: [
                "BuraqBase",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "BuraqController",
            dependencies: [
                "BuraqAPI", "BuraqYAML", "BuraqKube", "BuraqScaling", "BuraqQueue", "BuraqRedis", "BuraqBase", "CMalloc",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "DequeModule", package: "swift-collections"),
            ]
        ),
        // Prometheus metrics of workers (a WorkerObserver) and their HTTP endpoint.
        .target(
            name: "BuraqMetrics",
            dependencies: ["BuraqQueue", "BuraqHTTP", .product(name: "Prometheus", package: "swift-prometheus")]
        ),
        // HTTP gateway in front of the queue: enqueue, read/admin API, dashboard, Server-Sent Events.
        .target(
            name: "BuraqGateway",
            dependencies: [
                "BuraqQueue", "BuraqRedis", "BuraqHTTP", "BuraqMetrics",
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            resources: [.embedInCode("Resources/dashboard.html"), .embedInCode("Resources/openapi.yaml")]
        ),

        // Executables: argument parsing and wiring only.
        .executableTarget(
            name: "buraq",
            dependencies: [
                "BuraqQueue", "BuraqRedis", "BuraqScaling", "BuraqYAML", "BuraqAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ]
        ),
        .executableTarget(
            name: "buraq-worker",
            dependencies: [
                "BuraqBase", "BuraqQueue", "BuraqRedis", "BuraqHTTP", "BuraqMetrics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        .executableTarget(
            name: "buraq-controller",
            dependencies: [
                "BuraqController", "BuraqKube", "BuraqQueue", "BuraqRedis", "BuraqHTTP", "CMalloc",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "buraq-gateway",
            dependencies: [
                "BuraqGateway", "BuraqQueue", "BuraqRedis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),

        // Test support: private redis-server launcher (and, later, the fake Kubernetes API server).
        .target(name: "BuraqTestSupport", dependencies: ["BuraqQueue", "BuraqRedis", "BuraqBase"]),
        // Fake Kubernetes API server (SwiftNIO) and the in-memory KubernetesAPI, for tests and local runs.
        .target(
            name: "BuraqKubeFake",
            dependencies: [
                "BuraqKube",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "buraq-fake-apiserver",
            dependencies: ["BuraqKubeFake", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        // Kubernetes client benchmarks (docs/benchmarks.md, "Kubernetes client").
        .executableTarget(
            name: "buraq-kube-bench",
            dependencies: ["BuraqController", "BuraqKube", "BuraqKubeFake", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),

        // Tests (Swift Testing).
        .testTarget(name: "BuraqBaseTests", dependencies: ["BuraqBase", "BuraqTestSupport"]),
        .testTarget(name: "BuraqRedisTests", dependencies: ["BuraqRedis", "BuraqTestSupport"]),
        .testTarget(name: "BuraqQueueTests", dependencies: ["BuraqQueue", "BuraqRedis", "BuraqBase", "BuraqTestSupport"]),
        .testTarget(
            name: "BuraqHTTPTests",
            dependencies: [
                "BuraqHTTP", "BuraqTestSupport",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"), .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "BuraqKubeTests", dependencies: ["BuraqKube", "BuraqKubeFake", "BuraqTestSupport"]),
        .testTarget(name: "BuraqMetricsTests", dependencies: ["BuraqMetrics", "BuraqQueue", "BuraqRedis", "BuraqTestSupport"]),
        .testTarget(
            name: "BuraqControllerTests",
            dependencies: [
                "BuraqController", "BuraqAPI", "BuraqBase", "BuraqKube", "BuraqKubeFake", "BuraqQueue", "BuraqRedis",
                "BuraqScaling", "BuraqTestSupport",
            ]
        ),
        .testTarget(
            name: "BuraqGatewayTests",
            dependencies: [
                "BuraqGateway", "BuraqHTTP", "BuraqQueue", "BuraqRedis", "BuraqYAML", "BuraqTestSupport",
                .product(name: "Logging", package: "swift-log"), .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(name: "BuraqScalingTests", dependencies: ["BuraqScaling", "BuraqTestSupport"], resources: [.copy("Fixtures")]),
        .testTarget(name: "BuraqYAMLTests", dependencies: ["BuraqYAML", "BuraqTestSupport"]),
        .testTarget(name: "BuraqAPITests", dependencies: ["BuraqAPI", "BuraqYAML", "BuraqScaling", "BuraqQueue", "BuraqTestSupport"], exclude: ["Fixtures"]),
    ]
)

// Strict settings for every target that has Swift sources (as swift-log does).
for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    settings.append(.unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]))
    target.swiftSettings = settings
}
