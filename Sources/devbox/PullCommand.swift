import ArgumentParser
import ImageStore
import OCI
import Platform
import Registry
#if canImport(Glibc)
import Glibc
#endif

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "pull", abstract: "Pull an image from a registry.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Print nothing but errors.") var quiet = false
    @Option(name: .customLong("tls-verify"), help: "Verify TLS (false also allows plain HTTP).") var tlsVerify: Bool?
    @Argument(help: "Image reference, e.g. docker.io/library/alpine:3.20.") var reference: String

    func run() throws {
        let ref = parseReference(reference)
        let store = StoreAccess.open(dataRoot: global.dataRoot, session: .write)
        let connection = registryConnection(ref.registry, tlsVerify, ProcessEnvironment.current())
        do {
            let image = try Puller(store: store, progress: PullProgress(quiet: quiet)).pull(ref, connection: connection)
            print(image.manifestDigest)
        } catch {
            failImage(error)
        }
    }
}

struct LoginCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "login", abstract: "Store credentials for a registry (podman's auth.json).")

    @OptionGroup var global: GlobalOptions
    @Option(name: .shortAndLong, help: "User name.") var username: String
    @Option(name: .shortAndLong, help: "Password (prefer --password-stdin).") var password: String?
    @Flag(name: .customLong("password-stdin"), help: "Read the password from stdin.") var passwordStdin = false
    @Option(name: .customLong("tls-verify"), help: "Verify TLS (false also allows plain HTTP).") var tlsVerify: Bool?
    @Argument(help: "Registry host, e.g. registry.example.com or localhost:5000.") var registry: String

    func run() throws {
        var secret = password
        if passwordStdin { secret = readLine(strippingNewline: true) }
        guard let secret, !secret.isEmpty else { fail("no password given; use --password-stdin or -p", code: ExitStatus.usage) }
        let credentials = Credentials(username: username, password: secret)
        let env = ProcessEnvironment.current()
        // Check them against the registry's base endpoint before saving.
        var connection = registryConnection(registry, tlsVerify, env)
        connection.credentials = credentials
        let probe = RegistryClient(reference: parseReference(registry + "/devbox-login-check"), connection: connection)
        do {
            _ = try probe.send(HTTPRequest(url: probe.url("tags/list")))
        } catch {
            switch error {
            case .unauthorized: fail("\(registry) refused these credentials", code: 1)
            case .transport, .curlMissing: fail(error, code: 1)
            default: break  // the repository need not exist: the credentials were accepted
            }
        }
        guard let file = Credentials.files(environment: env, home: env["HOME"] ?? "/").first else { fail("no place to store credentials; set HOME", code: 1) }
        guard Credentials.save(credentials, registry: registry, file: file) else { fail("cannot write \(file); check its directory's permissions", code: 1) }
        print("Login Succeeded (\(file))")
    }
}

struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "push", abstract: "Push an image to a registry.")

    @OptionGroup var global: GlobalOptions
    @Flag(name: .shortAndLong, help: "Print nothing but errors.") var quiet = false
    @Option(name: .customLong("tls-verify"), help: "Verify TLS (false also allows plain HTTP).") var tlsVerify: Bool?
    @Argument(help: "Image in the store.", completion: .custom(DynamicCompletion.images)) var source: String
    @Argument(help: "Destination reference (default: the image's own).") var destination: String?

    func run() throws {
        let store = StoreAccess.open(dataRoot: global.dataRoot)
        let image: StoredImage
        do { image = try store.image(source) } catch { failImage(error) }
        let target = parseReference(destination ?? image.reference)
        let connection = registryConnection(target.registry, tlsVerify, ProcessEnvironment.current())
        do {
            try Pusher(store: store, progress: PullProgress(quiet: quiet)).push(image, to: target, connection: connection)
        } catch {
            failImage(error)
        }
    }
}
