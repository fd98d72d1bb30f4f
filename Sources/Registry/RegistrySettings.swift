import Platform

/// The user's registry settings in `$XDG_CONFIG_HOME/devbox/config.toml`:
///
///     insecure_registries = ["registry.lan:5000", "10.0.0.5"]
///
/// Registries listed there are spoken to over plain HTTP (as podman's
/// registries.conf `insecure = true`).
public struct RegistrySettings: Equatable, Sendable {
    public var insecureRegistries: [String] = []

    public init(insecureRegistries: [String] = []) {
        self.insecureRegistries = insecureRegistries
    }

    public static func file(environment: [String: String], home: String) -> String {
        (environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config") + "/devbox/config.toml"
    }

    public static func load(environment: [String: String], home: String) -> RegistrySettings {
        FileSystem.read(file(environment: environment, home: home)).map(parse) ?? RegistrySettings()
    }

    /// Reads `insecure_registries = [ "a", "b" ]` (one line) from the top level.
    public static func parse(_ text: String) -> RegistrySettings {
        var settings = RegistrySettings()
        for line in text.split(separator: "\n") {
            if line.hasPrefix("[") { break }
            let parts = line.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, parts[0].filter({ !$0.isWhitespace }) == "insecure_registries" else { continue }
            let list = parts[1].split(separator: "\"", omittingEmptySubsequences: false)
            // Quoted items sit at odd positions between the quotes.
            settings.insecureRegistries = stride(from: 1, to: list.count, by: 2).map { String(list[$0]) }.filter { !$0.isEmpty }
        }
        return settings
    }

    /// The TLS choice for a registry: the flag wins, then this file.
    public func tlsVerify(for registry: String, flag: Bool?) -> Bool? {
        if let flag { return flag }
        return insecureRegistries.contains(registry) ? false : nil
    }
}
