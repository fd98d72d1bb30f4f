import Foundation
import Testing

/// HTTPS with a registry's own CA and pulls through a forward proxy, all on
/// loopback: a test CA signs the registry's certificate, and
/// Tests/fixtures/proxy.py answers for names only it knows.
@Suite("HTTPS, certs.d and proxies")
struct TransportTests {
    /// A CA and a server certificate for 127.0.0.1 and `names`.
    static func certificates(in dir: URL, names: [String]) throws -> (ca: String, cert: String, key: String) {
        let ca = dir.appendingPathComponent("ca.pem").path, caKey = dir.appendingPathComponent("ca.key").path
        let cert = dir.appendingPathComponent("server.pem").path, key = dir.appendingPathComponent("server.key").path
        let csr = dir.appendingPathComponent("server.csr").path, ext = dir.appendingPathComponent("san.cnf")
        try "subjectAltName = IP:127.0.0.1\(names.map { ",DNS:" + $0 }.joined())\n".write(to: ext, atomically: true, encoding: .utf8)
        for args in [
            ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", caKey, "-out", ca,
             "-subj", "/CN=devbox test CA", "-days", "1"],
            ["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
             "-subj", "/CN=registry"],
            ["x509", "-req", "-in", csr, "-CA", ca, "-CAkey", caKey, "-CAcreateserial", "-out", cert, "-days", "1",
             "-extfile", ext.path],
        ] {
            let r = try Shell.run(["/usr/bin/openssl"] + args)
            #expect(r.status == 0, "openssl \(args[0]): \(r.stderr)")
        }
        for path in [ca, cert, key] { chmod(path, 0o644) }
        return (ca, cert, key)
    }

    /// Puts `ca` where podman looks for a registry's CA, under `config`.
    static func trust(_ ca: String, registry: String, config: URL) throws {
        let dir = config.appendingPathComponent("containers/certs.d/\(registry)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: ca, toPath: dir.appendingPathComponent("ca.crt").path)
    }

    @Test("HTTPS: an unknown CA is refused; the registry's CA from certs.d or the CA store's SSL_CERT_FILE is trusted")
    func httpsWithCertsD() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let pki = try Self.certificates(in: s.root, names: [])
        let registry = try LocalRegistry(mode: nil, tls: (pki.cert, pki.key))
        try registry.push(layout: try fixture("layout", "t:1", in: s), name: "t:1", as: "secure/t:1")
        let ref = "\(registry.host)/secure/t:1"
        let config = s.root.appendingPathComponent("config")

        let untrusted = try s.devbox(["pull", "-q", "--tls-verify=true", ref], extraEnv: ["XDG_CONFIG_HOME": config.path])
        #expect(untrusted.status == 1 && untrusted.stderr.contains("certificate"), "\(untrusted.stderr)")
        #expect(untrusted.stderr.split(separator: "\n").count == 1, "one line: \(untrusted.stderr)")

        let viaStore = try s.devbox(["pull", "-q", "--tls-verify=true", ref],
                                    extraEnv: ["XDG_CONFIG_HOME": config.path, "SSL_CERT_FILE": pki.ca])
        #expect(viaStore.status == 0, "\(viaStore.stderr)")

        try Self.trust(pki.ca, registry: registry.host, config: config)
        #expect(try s.devbox(["rmi", ref]).status == 0)
        let viaCertsD = try s.devbox(["pull", "-q", "--tls-verify=true", ref], extraEnv: ["XDG_CONFIG_HOME": config.path])
        #expect(viaCertsD.status == 0 && viaCertsD.out.hasPrefix("sha256:"), "\(viaCertsD.stderr)")
        let r = try s.devbox(["run", "--rm", ref, "--", "cat", "/d/x"])
        #expect(r.out == "v2\n", "\(r.stderr)")
    }

    @Test("proxies: HTTPS through CONNECT, HTTP_PROXY in either case, NO_PROXY, and loopback never proxied")
    func throughProxy() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let pki = try Self.certificates(in: s.root, names: ["secure.devbox.test"])
        let secure = try LocalRegistry(mode: nil, tls: (pki.cert, pki.key))
        let plain = try LocalRegistry()
        let layout = try fixture("layout", "t:1", in: s)
        try secure.push(layout: layout, name: "t:1", as: "p/t:1")
        try plain.push(layout: layout, name: "t:1", as: "p/t:1")

        let log = s.root.appendingPathComponent("proxy.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let proxyPort = LocalRegistry.freePort()
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("fixtures/proxy.py").path
        let proxyProcess = Process()
        proxyProcess.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        proxyProcess.arguments = [script, String(proxyPort), log.path,
                                  "secure.devbox.test:5000=\(secure.host)", "plain.devbox.test:5000=\(plain.host)"]
        proxyProcess.standardInput = FileHandle.nullDevice
        proxyProcess.standardOutput = FileHandle.nullDevice
        proxyProcess.standardError = FileHandle.nullDevice
        try proxyProcess.run()
        defer {
            // SIGKILL: the test process may hand SIGTERM down ignored.
            kill(proxyProcess.processIdentifier, SIGKILL)
            proxyProcess.waitUntilExit()
        }
        try waitFor(seconds: 10) {
            try Shell.run(["/usr/bin/curl", "-s", "--max-time", "5", "-o", "/dev/null", "http://127.0.0.1:\(proxyPort)/"]).status != 7
        }
        try Data().write(to: log)
        let proxy = "http://127.0.0.1:\(proxyPort)"
        let config = s.root.appendingPathComponent("config")
        try Self.trust(pki.ca, registry: "secure.devbox.test:5000", config: config)
        func proxied() throws -> String { try String(contentsOf: log, encoding: .utf8) }

        // A name only the proxy can resolve: HTTPS through a CONNECT tunnel.
        let tunnel = try s.devbox(["pull", "-q", "secure.devbox.test:5000/p/t:1"],
                                  extraEnv: ["XDG_CONFIG_HOME": config.path, "HTTPS_PROXY": proxy])
        #expect(tunnel.status == 0, "\(tunnel.stderr)")
        #expect(try proxied().contains("CONNECT secure.devbox.test:5000"))

        // Plain HTTP through the proxy with the upper-case variable podman users set.
        let http = try s.devbox(["pull", "-q", "--tls-verify=false", "plain.devbox.test:5000/p/t:1"],
                                extraEnv: ["HTTP_PROXY": proxy])
        #expect(http.status == 0, "\(http.stderr)")
        #expect(try proxied().contains("GET http://plain.devbox.test:5000/v2/"))

        // NO_PROXY sends the request direct, where the name does not resolve.
        let before = try proxied()
        let direct = try s.devbox(["pull", "-q", "--tls-verify=false", "plain.devbox.test:5000/p/other:1"],
                                  extraEnv: ["HTTP_PROXY": proxy, "NO_PROXY": "example.org,plain.devbox.test"])
        #expect(direct.status == 1 && direct.stderr.contains("cannot reach the registry"), "\(direct.stderr)")
        // Loopback registries are reached directly even with a proxy set.
        let loopback = try s.devbox(["pull", "-q", "\(plain.host)/p/t:1"], extraEnv: ["HTTP_PROXY": proxy, "http_proxy": proxy])
        #expect(loopback.status == 0, "\(loopback.stderr)")
        #expect(try proxied() == before, "nothing more went through the proxy")
    }
}
