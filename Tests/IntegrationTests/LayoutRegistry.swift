import Foundation
import Testing

/// Tests/fixtures/layout_registry.py: serves one OCI layout exactly as it
/// is (lying descriptors included), optionally throttled; stopped by its pid.
final class LayoutRegistry {
    let pid: Int32
    let port: Int
    var host: String { "127.0.0.1:\(port)" }

    init(layout: String, bytesPerSecond: Int? = nil, hugeManifest: Bool = false) throws {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/layout_registry.py").path
        let portFile = "/tmp/devbox-layout-registry-\(UUID().uuidString.prefix(8))"
        var args = [script, portFile, layout]
        if let bytesPerSecond { args += ["--rate", String(bytesPerSecond)] }
        if hugeManifest { args.append("--huge-manifest") }
        // Detached, stdio on /dev/null: it must hold none of the test runner's pipes.
        let started = try Shell.run(["/bin/sh", "-c", "/usr/bin/python3 \"$@\" </dev/null >/dev/null 2>&1 & echo $!", "sh"] + args)
        pid = try #require(Int32(started.out.filter(\.isNumber)))
        try waitFor(seconds: 10) { FileManager.default.fileExists(atPath: portFile) }
        port = Int(try String(contentsOfFile: portFile, encoding: .utf8)) ?? 0
        unlink(portFile)
    }

    deinit {
        kill(pid, SIGKILL)
    }
}

/// What an isolated store holds, for exact assertions.
struct StoreState: Equatable, CustomStringConvertible {
    var blobs: [String]
    var layers: [String]
    var refs: String?
    var tmp: [String]

    init(_ s: Scratch) {
        let root = s.data.appendingPathComponent("devbox")
        let list = { (dir: String) in ((try? FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent(dir).path)) ?? []).sorted() }
        blobs = list("blobs/sha256")
        layers = list("layers")
        refs = try? String(contentsOf: root.appendingPathComponent("images/refs.json"), encoding: .utf8)
        tmp = list("tmp")
    }

    init(blobs: [String], layers: [String], refs: String?, tmp: [String]) {
        (self.blobs, self.layers, self.refs, self.tmp) = (blobs, layers, refs, tmp)
    }

    /// Nothing stored, no temporaries but the tmp lock.
    static let empty = StoreState(blobs: [], layers: [], refs: nil, tmp: [".lock"])

    var description: String { "blobs \(blobs), layers \(layers), refs \(refs ?? "none"), tmp \(tmp)" }
}
