// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "mgen",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "mgen", targets: ["mgen"]),
        .library(name: "MGenSpec", targets: ["MGenSpec"]),
        .library(name: "MGenSQL", targets: ["MGenSQL"]),
        .library(name: "MGenEmit", targets: ["MGenEmit"]),
        .library(name: "MGenVerify", targets: ["MGenVerify"]),
        .library(name: "MGenSafety", targets: ["MGenSafety"]),
        .library(name: "MGenImport", targets: ["MGenImport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
    ],
    targets: [
        // The neutral model: spec loading with source locations, SchemaState replay, validation, inverses.
        // Replayed states are persistent hash tries, so keeping the state before every step is cheap.
        .target(name: "MGenSpec", dependencies: ["CYAML", .product(name: "HashTreeCollections", package: "swift-collections")]),
        // libyaml (Debian's libyaml-dev), read event by event: see MGenSpec/YAML.swift for why.
        .systemLibrary(name: "CYAML", path: "Sources/CYAML", pkgConfig: "yaml-0.1"),
        // SQL rendering per dialect.
        .target(name: "MGenSQL", dependencies: ["MGenSpec"]),
        // The file skeletons of Templates/<target>/, compiled into the binary so `mgen` works anywhere:
        // the EmbedTemplates plugin finds every Templates/<target>/*.mustache (none listed here).
        .target(name: "MGenTemplates", plugins: ["EmbedTemplates"]),
        .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["EmbedTemplatesTool"]),
        .executableTarget(name: "EmbedTemplatesTool"),
        // Emitter protocol, registry, chaining, safe writing, one file per target.
        .target(name: "MGenEmit", dependencies: [
            "MGenSpec", "MGenSQL", "MGenTemplates",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),
        // Migration safety as code: locks, rewrites and algorithms per dialect and version, and `mgen lint`'s rules.
        .target(name: "MGenSafety", dependencies: ["MGenSpec", "MGenSQL"]),
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite"),
        // Real databases: clients, introspection into snapshots, diffs, the up/down/up harness.
        .target(name: "MGenVerify", dependencies: ["MGenSpec", "MGenSQL", "MGenEmit", "CSQLite"]),
        // libpg_query (Debian's libpg-query-dev 15): PostgreSQL's own parser, for reading migrations.
        .systemLibrary(name: "CPgQuery", path: "Sources/CPgQuery"),
        // The reading side: migration folders of SQL-file formats read back into specs.
        .target(name: "MGenImport", dependencies: ["MGenSpec", "MGenSQL", "MGenEmit", "MGenVerify", "CPgQuery"]),
        .executableTarget(name: "mgen", dependencies: [
            "MGenSpec", "MGenSQL", "MGenEmit", "MGenVerify", "MGenSafety", "MGenImport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // Shared by the test targets: the package root, the example chain, temporary folders.
        .target(name: "MGenTestSupport", dependencies: ["MGenSpec", "MGenSQL", "MGenEmit"], path: "Tests/Support"),
        .testTarget(name: "MGenSpecTests", dependencies: ["MGenSpec", "MGenTestSupport"]),
        .testTarget(name: "MGenSQLTests", dependencies: ["MGenSpec", "MGenSQL"]),
        .testTarget(name: "MGenEmitTests", dependencies: ["MGenSpec", "MGenSQL", "MGenEmit", "MGenTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "MGenSafetyTests", dependencies: ["MGenSpec", "MGenSQL", "MGenSafety", "MGenVerify", "MGenImport"], exclude: ["Labelled"]),
        .testTarget(name: "IntegrationTests", dependencies: ["MGenSpec", "MGenSQL", "MGenEmit", "MGenVerify", "MGenTestSupport"], exclude: ["Fixtures"]),
        .testTarget(name: "MGenImportTests", dependencies: ["MGenSpec", "MGenSQL", "MGenEmit", "MGenVerify", "MGenImport", "MGenTestSupport"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
