// swift-tools-version:6.0
import PackageDescription

// Dependencies are chosen for build time as much as for value: CI builds
// from a fresh clone on 2 cores. swift-argument-parser is the only package
// (≈20 s clean); hashing, TLS and compression come from system C libraries
// later rather than swift-crypto/NIO, which add minutes to every build.
let package = Package(
    name: "devbox",
    products: [
        .executable(name: "devbox", targets: ["devbox"])
    ],
    dependencies: [
        // Pinned to a minor release: a new upstream version may change the
        // generated completions, which a test compares byte for byte.
        .package(url: "https://github.com/apple/swift-argument-parser", .upToNextMinor(from: "1.8.2"))
    ],
    targets: [
        .executableTarget(
            name: "devbox",
            dependencies: [
                "OCI", "Project", "Runtime", "Platform", "CSandbox", "CSyscalls", "ImageStore", "Registry", "Containers",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            // The release link's function order (Makefile, bench/link-order.sh).
            exclude: ["link-order.txt"]
        ),
        // Named containers: records, status, names, the event log. Files
        // only; starting and joining containers is Sandbox's.
        .target(name: "Containers", dependencies: ["OCI", "Platform"]),
        // Renders RunFlags.table as ArgumentParser declarations (`make run-flags`).
        .executableTarget(name: "GenerateRunFlags", dependencies: ["Project"]),
        // Codable OCI types; no I/O.
        .target(name: "OCI"),
        // Project discovery and planning: flags + host facts -> runtime spec. Pure.
        .target(name: "Project", dependencies: ["OCI", "Platform", "Profiles"]),
        // Security profiles: files -> the security part of a spec. No I/O beyond reading profile files.
        // libseccomp only to tell a misspelt syscall name from a real one while reading.
        .target(name: "Profiles", dependencies: ["OCI", "Platform", "CSeccomp"]),
        // Thin wrappers over the syscalls devbox needs for files and the environment.
        .target(name: "Platform", dependencies: ["CNettle"]),
        // The OCI runtime: create/start/state/kill/delete/exec of a spec +
        // rootfs (namespaces, mounts, init, TTY, the supervisor's hooks).
        .target(name: "Runtime", dependencies: ["OCI", "Platform", "CSandbox", "CLibcap", "CSeccomp", "CFuseOverlay"]),
        .systemLibrary(name: "CSeccomp", pkgConfig: "libseccomp", providers: [.apt(["libseccomp-dev"])]),
        // Content-addressed blobs, unpacked layers, image references.
        .target(name: "ImageStore", dependencies: ["OCI", "Platform", "CSyscalls", "CArchive", "CDeflate", "CNettle", "CLibcap", "CXattr"]),
        // sys/xattr.h, which Swift's Glibc module does not include.
        .systemLibrary(name: "CXattr"),
        // OCI distribution client (pull, push, login). Transfers are made by
        // the curl program: Debian's libcurl cannot be linked into a static
        // executable (Kerberos and LDAP have no static builds), and curl
        // brings HTTPS with the system CAs and HTTP(S)_PROXY/NO_PROXY.
        .target(name: "Registry", dependencies: ["OCI", "Platform", "ImageStore"]),
        .systemLibrary(name: "CArchive", pkgConfig: "libarchive", providers: [.apt(["libarchive-dev"])]),
        .systemLibrary(name: "CNettle", pkgConfig: "nettle", providers: [.apt(["nettle-dev"])]),
        // gzip layers are inflated by libdeflate, about 3x zlib's speed (the
        // largest single cost of a pull), when the compressed layer fits in
        // memory; libarchive's zlib streams the rest.
        .systemLibrary(name: "CDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        // The FUSE overlay (libfuse3's low-level API; kernel overlayfs's
        // on-disk format with userxattr) and the process that serves a
        // container's FUSE mounts, started by Runtime's Launcher.
        .target(name: "CFuseOverlay", dependencies: ["CFuse3", "CSyscalls"]),
        .systemLibrary(name: "CFuse3", pkgConfig: "fuse3", providers: [.apt(["libfuse3-dev"])]),
        // The part that must run in a single-threaded child after clone().
        .target(name: "CSandbox", dependencies: ["CSyscalls"]),
        // Syscall wrappers for the Swift side outside the sandbox (the layer
        // unpacker's path-safe operations, writeback, joining a namespace).
        .target(name: "CSyscalls"),
        .systemLibrary(name: "CLibcap", pkgConfig: "libcap", providers: [.apt(["libcap-dev"])]),
        .testTarget(name: "UnitTests", dependencies: ["OCI", "Project", "Runtime", "Platform", "ImageStore", "Registry", "Profiles", "Containers"]),
        // devbox itself for ArgumentParityTests: its ArgumentParser definition of `run`.
        .testTarget(name: "IntegrationTests", dependencies: ["OCI", "Project", "devbox"]),
    ],
    swiftLanguageModes: [.v6]
)
