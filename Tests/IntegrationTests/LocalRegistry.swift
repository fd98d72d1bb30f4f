import Foundation
import Testing

/// Debian's docker-registry on 127.0.0.1 and a free port, optionally with
/// htpasswd basic auth; stopped by its pid when the value goes away.
final class LocalRegistry {
    let process: Process
    var tokenService: Int32?
    let storage: URL
    let port: Int
    let tls: Bool
    var host: String { "127.0.0.1:\(port)" }

    enum Auth {
        case basic(user: String, password: String)
        /// The distribution spec's token flow: a token service signs JWTs
        /// (Tests/fixtures/token_server.py) that the registry verifies.
        case bearer(user: String, password: String)
    }

    convenience init(auth: (user: String, password: String)) throws {
        try self.init(mode: .basic(user: auth.user, password: auth.password))
    }

    convenience init() throws {
        try self.init(mode: nil)
    }

    /// `tls`: serve HTTPS with this certificate and key (PEM files).
    init(mode auth: Auth?, tls: (certificate: String, key: String)? = nil) throws {
        self.tls = tls != nil
        let base = URL(fileURLWithPath: "/tmp/devbox-registry-\(UUID().uuidString.prefix(8))")
        storage = base.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: storage, withIntermediateDirectories: true)
        port = LocalRegistry.freePort()
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
        if let tls {
            config = config.replacingOccurrences(of: "  addr: 127.0.0.1:\(port)\n",
                                                 with: "  addr: 127.0.0.1:\(port)\n  tls:\n    certificate: \(tls.certificate)\n    key: \(tls.key)\n")
        }
        switch auth {
        case .basic(let user, let password)?:
            let htpasswd = base.appendingPathComponent("htpasswd")
            let r = try Shell.run(["/usr/bin/htpasswd", "-Bbn", user, password])
            try r.stdout.write(to: htpasswd)
            config += "auth:\n  htpasswd:\n    realm: devbox-test\n    path: \(htpasswd.path)\n"
        case .bearer(let user, let password)?:
            let cert = base.appendingPathComponent("cert.pem").path, key = base.appendingPathComponent("key.pem").path
            let gen = try Shell.run(["/usr/bin/openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                                     "-nodes", "-keyout", key, "-out", cert, "-subj", "/CN=devbox-token", "-days", "1"])
            #expect(gen.status == 0, "openssl: \(gen.stderr)")
            let tokenPort = LocalRegistry.freePort()
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .appendingPathComponent("fixtures/token_server.py").path
            // Detached, stdio on /dev/null: it must hold none of the test runner's pipes.
            let started = try Shell.run(["/bin/sh", "-c", "/usr/bin/python3 \"$0\" \"$@\" </dev/null >/dev/null 2>&1 & echo $!",
                                         script, String(tokenPort), cert, key, user, password, "devbox-issuer"])
            tokenService = Int32(started.out.filter(\.isNumber))
            config += "auth:\n  token:\n    realm: http://127.0.0.1:\(tokenPort)/token\n    service: devbox-test\n"
                + "    issuer: devbox-issuer\n    rootcertbundle: \(cert)\n"
        case nil:
            break
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
            let r = try Shell.run(["/usr/bin/curl", "-s", "-k", "-o", "/dev/null", "-w", "%{http_code}", "\(self.tls ? "https" : "http")://\(host)/v2/"])
            return r.out == "200" || r.out == "401"
        }
    }

    /// A port nothing listens on, chosen by the kernel (random picks collided
    /// when tests start several registries at once).
    static func freePort() -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0
            }
        }
        return bound ? Int(UInt16(bigEndian: addr.sin_port)) : Int.random(in: 20_000...40_000)
    }

    deinit {
        if let tokenService { kill(tokenService, SIGTERM) }
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
