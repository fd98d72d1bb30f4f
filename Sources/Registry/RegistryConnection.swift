/// What a client needs to talk to one registry, read once from the user's
/// files and environment: credentials (auth.json files), the TLS choice
/// (flag, else config.toml), the registry's certificates (certs.d) and the
/// environment curl runs with (proxies).
public struct RegistryConnection: Sendable {
    public var credentials: Credentials?
    public var tlsVerify: Bool?
    public var trust: RegistryTrust
    public var environment: [String: String]

    public init(credentials: Credentials? = nil, tlsVerify: Bool? = nil, trust: RegistryTrust = RegistryTrust(),
                environment: [String: String] = [:]) {
        self.credentials = credentials
        self.tlsVerify = tlsVerify
        self.trust = trust
        self.environment = environment
    }

    public init(registry: String, tlsFlag: Bool?, environment: [String: String]) throws(RegistrySettings.ParseError) {
        let home = environment["HOME"] ?? "/"
        self.init(
            credentials: Credentials.lookup(registry: registry, files: Credentials.files(environment: environment, home: home)),
            tlsVerify: try RegistrySettings.load(environment: environment, home: home).tlsVerify(for: registry, flag: tlsFlag),
            trust: RegistryTrust.lookup(registry: registry, directories: RegistryTrust.directories(environment: environment, home: home)),
            environment: environment)
    }
}
