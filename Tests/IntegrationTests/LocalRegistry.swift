import Foundation
import Testing

/// Debian's docker-registry on 127.0.0.1 and a free port, optionally with
/// htpasswd basic auth; stopped by its pid when the value goes away.
final class LocalRegistry {
    let process: Process
    let storage: URL
    let port: Int
    var host: String { "127.0.0.1:\(port)" }

    init(auth: (user: String, password: String)? = nil) throws {
        let base = URL(fileURLWithPath: "/tmp/devbox-registry-\(UUID().uuidString.prefix(8))")
        storage = base.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        port = Int.random(in: 20_000...40_000)
        var config = """
            version: 0.1
            log:
              level: error
            storage:
              filesystem:
                rootdirectory: \(storage.path)
            http:
              addr: 127.0.0.1:\(port)

            """
        if let auth {
            let htpasswd = base.appendingPathComponent("htpasswd")
            let r = try Shell.run(["/usr/bin/htpasswd", "-Bbn", auth.user, auth.password])
            try r.stdout.write(to: htpasswd)
            config += "auth:\n  htpasswd:\n    realm: devbox-test\n    path: \(htpasswd.path)\n"
        }
        let configFile = base.appendingPathComponent("config.yml")
        try config.write(to: configFile, atomically: true, encoding: .utf8)
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/docker-registry")
        process.arguments = ["serve", configFile.path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try waitFor(seconds: 10) {
            let r = try Shell.run(["/usr/bin/curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "http://\(host)/v2/"])
            return r.out == "200" || r.out == "401"
        }
    }

    deinit {
        kill(process.processIdentifier, SIGTERM)
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: storage.deletingLastPathComponent())
    }

    /// Pushes an OCI layout with skopeo, an independent client.
    func push(layout: String, name: String, as target: String, credentials: String? = nil) throws {
        var args = ["/usr/bin/skopeo", "copy", "--dest-tls-verify=false"]
        if let credentials { args += ["--dest-creds", credentials] }
        let r = try Shell.run(args + ["oci:\(layout):\(name)", "docker://\(host)/\(target)"], timeout: 120)
        #expect(r.status == 0, "skopeo: \(r.stderr)")
    }

    /// The registry's stored files for a blob.
    func blobFile(_ hex: String) -> URL {
        storage.appendingPathComponent("docker/registry/v2/blobs/sha256/\(hex.prefix(2))/\(hex)/data")
    }
}
