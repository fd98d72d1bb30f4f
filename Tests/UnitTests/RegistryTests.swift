import Foundation
import Platform
import ImageStore
import OCI
import Registry
import Testing
#if canImport(Glibc)
import Glibc
#endif

@Suite("references, digests and registry protocol details")
struct RegistryTests {
    @Test("references normalise as docker and podman do", arguments: [
        ("alpine", "docker.io/library/alpine:latest"),
        ("alpine:3.20", "docker.io/library/alpine:3.20"),
        ("library/alpine", "docker.io/library/alpine:latest"),
        ("index.docker.io/foo/bar:1", "docker.io/foo/bar:1"),
        ("localhost:5000/x", "localhost:5000/x:latest"),
        ("127.0.0.1:5000/a/b/c:v1.2", "127.0.0.1:5000/a/b/c:v1.2"),
        ("ghcr.io/o/r@sha256:" + String(repeating: "a", count: 64), "ghcr.io/o/r@sha256:" + String(repeating: "a", count: 64)),
    ])
    func normalise(text: String, expected: String) throws {
        #expect(try ImageReference(parsing: text).description == expected)
    }

    @Test("bad references are refused", arguments: ["", "UPPER/case", "a b", "x@sha256:123", "x:", "a//b", "x:t@ag"])
    func badReferences(text: String) {
        #expect(throws: ImageReference.ParseError.self) { try ImageReference(parsing: text) }
    }

    @Test("sha256 matches the known vector")
    func sha256() {
        #expect(SHA256.digest(Array("abc".utf8)).hex == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test("WWW-Authenticate challenges parse", arguments: [
        (#"Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull""#,
         "bearer", ["realm": "https://auth.docker.io/token", "service": "registry.docker.io", "scope": "repository:library/alpine:pull"]),
        (#"Basic realm="devbox-test""#, "basic", ["realm": "devbox-test"]),
    ])
    func challenges(header: String, scheme: String, parameters: [String: String]) throws {
        let challenge = try #require(AuthChallenge(header))
        #expect(challenge.scheme == scheme && challenge.parameters == parameters)
    }

    @Test("the host's platform is picked from an index, preferring its variant")
    func platformChoice() throws {
        let d = { (arch: String, variant: String?, hex: Character) in
            Descriptor(mediaType: MediaType.ociManifest, digest: Digest(hex: String(repeating: hex, count: 64))!, size: 1,
                       platform: OCI.Platform(architecture: arch, os: "linux", variant: variant))
        }
        let list = [d("arm", "v7", "1"), d("arm64", "v8", "2"), d("amd64", nil, "3")]
        #expect(PlatformMatch.best(list, for: .init(architecture: "amd64", os: "linux"))?.digest.hex.first == "3")
        #expect(PlatformMatch.best(list, for: .init(architecture: "arm64", os: "linux", variant: "v8"))?.digest.hex.first == "2")
        #expect(PlatformMatch.best(list, for: .init(architecture: "riscv64", os: "linux")) == nil)
    }

    @Test("insecure registries come from config.toml; the flag wins")
    func insecureRegistries() throws {
        let settings = try RegistrySettings.parse("# mine\ninsecure_registries = [\"reg.lan:5000\", \"10.0.0.5\"]\n")
        #expect(settings.insecureRegistries == ["reg.lan:5000", "10.0.0.5"])
        #expect(settings.tlsVerify(for: "reg.lan:5000", flag: nil) == false)
        #expect(settings.tlsVerify(for: "docker.io", flag: nil) == nil)
        #expect(settings.tlsVerify(for: "reg.lan:5000", flag: true) == true)
    }

    @Test("config.toml that devbox does not understand is an error with its line", arguments: [
        ("insecure_registries = \"reg.lan\"\n", "config.toml:1: 'insecure_registries' must be a list"),
        ("insecure_registries = [\"a\", 3]\n", "config.toml:1: 'insecure_registries' must be a list"),
        ("insecure_registry = [\"a\"]\n", "config.toml:1: unknown key 'insecure_registry'"),
        ("# ok\n[registries]\n", "config.toml:2: unknown key '[registries]'"),
        ("insecure_registries = [\"a\"\n", "config.toml:1:"),
    ])
    func badRegistrySettings(text: String, message: String) {
        #expect(throws: RegistrySettings.ParseError.self) { try RegistrySettings.parse(text) }
        do { _ = try RegistrySettings.parse(text) } catch { #expect(error.description.hasPrefix(message), "\(error.description)") }
    }

    @Test("credentials are found in auth.json files")
    func credentials() throws {
        let path = "/tmp/devbox-auth-test-\(getpid()).json"
        #expect(Credentials.save(.init(username: "ada", password: "p:w"), registry: "reg.lan", file: path))
        defer { unlink(path) }
        #expect(Credentials.lookup(registry: "reg.lan", files: [path]) == .init(username: "ada", password: "p:w"))
        #expect(Credentials.lookup(registry: "other", files: [path]) == nil)
    }
}

@Suite("registry TLS files and proxy variables")
struct RegistryTransportSettingsTests {
    @Test("proxy variables in either case reach curl, and loopback is never proxied")
    func proxyEnvironment() {
        let env = ProxyEnvironment.forCurl(["HTTP_PROXY": "http://p:3128", "HTTPS_PROXY": "http://p:3129", "NO_PROXY": "corp.lan"])
        #expect(env["http_proxy"] == "http://p:3128" && env["https_proxy"] == "http://p:3129")
        #expect(env["no_proxy"] == "corp.lan,localhost,127.0.0.0/8,::1" && env["NO_PROXY"] == env["no_proxy"])
        let lower = ProxyEnvironment.forCurl(["http_proxy": "http://a:1", "HTTP_PROXY": "http://b:2"])
        #expect(lower["http_proxy"] == "http://a:1")
        #expect(ProxyEnvironment.forCurl([:])["no_proxy"] == "localhost,127.0.0.0/8,::1")
    }

    @Test("certs.d: the first directory with the registry wins; *.crt are CAs, NAME.cert with NAME.key the client")
    func certsD() throws {
        let base = "/tmp/devbox-unit-certs-\(getpid())"
        defer { try? FileManager.default.removeItem(atPath: base) }
        let user = base + "/user", system = base + "/system"
        for dir in [user + "/reg.lan:5000", system + "/reg.lan:5000", system + "/other.lan"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        for file in [user + "/reg.lan:5000/ca.crt", user + "/reg.lan:5000/b.crt", user + "/reg.lan:5000/me.cert",
                     user + "/reg.lan:5000/me.key", system + "/reg.lan:5000/ignored.crt", system + "/other.lan/ca.crt"] {
            FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        }
        let trust = RegistryTrust.lookup(registry: "reg.lan:5000", directories: [user, system])
        #expect(trust.caFiles == [user + "/reg.lan:5000/b.crt", user + "/reg.lan:5000/ca.crt"])
        #expect(trust.clientCertificate == user + "/reg.lan:5000/me.cert" && trust.clientKey == user + "/reg.lan:5000/me.key")
        #expect(RegistryTrust.lookup(registry: "other.lan", directories: [user, system]).caFiles == [system + "/other.lan/ca.crt"])
        #expect(RegistryTrust.lookup(registry: "none.lan", directories: [user, system]) == RegistryTrust())
    }
}
