import Platform
import Registry

/// What every registry command needs for a registry: the user's credentials
/// (auth.json files) and the TLS choice (flag, else config.toml).
struct RegistryAccess {
    var credentials: Credentials?
    var tlsVerify: Bool?

    init(registry: String, tlsFlag: Bool?, environment: [String: String] = ProcessEnvironment.current()) {
        let home = environment["HOME"] ?? "/"
        credentials = Credentials.lookup(registry: registry, files: Credentials.files(environment: environment, home: home))
        tlsVerify = RegistrySettings.load(environment: environment, home: home).tlsVerify(for: registry, flag: tlsFlag)
    }
}
