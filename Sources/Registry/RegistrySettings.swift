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

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case syntax(file: String, line: Int, message: String)
        case unknownKey(file: String, line: Int, key: String)
        case badValue(file: String, line: Int, key: String)

        public var description: String {
            switch self {
            case .syntax(let file, let line, let message):
                return "\(file):\(line): \(message)"
            case .unknownKey(let file, let line, let key):
                return "\(file):\(line): unknown key '\(key)'; config.toml takes: insecure_registries"
            case .badValue(let file, let line, let key):
                return "\(file):\(line): '\(key)' must be a list of registries such as [\"registry.lan:5000\"]"
            }
        }
    }

    /// The settings; none when the file does not exist. A file devbox does
    /// not understand is an error (a skipped line would silently turn TLS
    /// back on, or off, for a registry).
    public static func load(environment: [String: String], home: String) throws(ParseError) -> RegistrySettings {
        let path = file(environment: environment, home: home)
        guard let text = FileSystem.read(path) else { return RegistrySettings() }
        return try parse(text, file: path)
    }

    /// `insecure_registries = ["a", "b"]` at the top level, read by the one
    /// TOML reader devbox has.
    public static func parse(_ text: String, file: String = "config.toml") throws(ParseError) -> RegistrySettings {
        let document: TOMLDocument
        do { document = try TOMLReader.document(text) } catch {
            throw .syntax(file: file, line: error.line, message: error.message)
        }
        if let table = document.tables.first { throw .unknownKey(file: file, line: table.line, key: "[\(table.name)]") }
        var settings = RegistrySettings()
        for entry in document.entries {
            guard entry.key == "insecure_registries" else { throw .unknownKey(file: file, line: entry.line, key: entry.path) }
            guard case .array(let items) = entry.value else { throw .badValue(file: file, line: entry.line, key: entry.path) }
            settings.insecureRegistries = try items.map { item throws(ParseError) -> String in
                guard case .string(let name) = item, !name.isEmpty else { throw .badValue(file: file, line: entry.line, key: entry.path) }
                return name
            }
        }
        return settings
    }

    /// The TLS choice for a registry: the flag wins, then this file.
    public func tlsVerify(for registry: String, flag: Bool?) -> Bool? {
        if let flag { return flag }
        return insecureRegistries.contains(registry) ? false : nil
    }
}
