import Platform

/// `devbox.toml`, the project's own settings. It is read by the same strict
/// TOML reader as profiles: anything it does not understand stops the run,
/// because a setting skipped silently (a typo in `image`) would run the
/// command somewhere the author did not mean, the host instead of the image.
public struct ProjectConfig: Equatable, Sendable {
    public var image: String?

    public init(image: String? = nil) {
        self.image = image
    }

    /// The keys devbox.toml takes today, for the error messages.
    public static let keys = ["image"]

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case syntax(file: String, line: Int, message: String)
        case unknownKey(file: String, line: Int, key: String)
        case badValue(file: String, line: Int, key: String, expected: String)
        case unreadable(file: String)

        public var description: String {
            switch self {
            case .syntax(let file, let line, let message):
                return "\(file):\(line): \(message)"
            case .unknownKey(let file, let line, let key):
                return "\(file):\(line): unknown key '\(key)'; devbox.toml takes: \(ProjectConfig.keys.joined(separator: ", "))"
            case .badValue(let file, let line, let key, let expected):
                return "\(file):\(line): '\(key)' must be \(expected)"
            case .unreadable(let file):
                return "\(file): cannot be read (or is over 1 MiB); make it a readable file or remove it"
            }
        }
    }

    public static func parse(_ text: String, file: String) throws(ParseError) -> ProjectConfig {
        let document: TOMLDocument
        do { document = try TOMLReader.document(text) } catch {
            throw .syntax(file: file, line: error.line, message: error.message)
        }
        if let table = document.tables.first {
            throw .unknownKey(file: file, line: table.line, key: "[\(table.name)]")
        }
        var config = ProjectConfig()
        for entry in document.entries {
            switch (entry.key, entry.value) {
            case ("image", .string(let name)):
                guard !name.isEmpty, !name.utf8.contains(where: { $0 <= 32 }) else {
                    throw .badValue(file: file, line: entry.line, key: entry.path, expected: "an image reference such as \"alpine:3.20\"")
                }
                config.image = name
            case ("image", _):
                throw .badValue(file: file, line: entry.line, key: entry.path, expected: "a string such as \"alpine:3.20\"")
            default:
                throw .unknownKey(file: file, line: entry.line, key: entry.path)
            }
        }
        return config
    }

    /// The project's devbox.toml; nil when there is none. A file that exists
    /// but cannot be read is an error, not "no settings".
    public static func load(projectRoot: String) throws(ParseError) -> ProjectConfig? {
        let file = (projectRoot == "/" ? "" : projectRoot) + "/devbox.toml"
        guard FileSystem.exists(file) else { return nil }
        // One byte past the limit tells a file that is too big from one that fits.
        let limit = 1 << 20
        guard let bytes = FileSystem.readBytes(file, limit: limit + 1), bytes.count <= limit else { throw .unreadable(file: file) }
        return try parse(String(decoding: bytes, as: UTF8.self), file: file)
    }
}
