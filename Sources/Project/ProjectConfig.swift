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

    /// The keys and tables devbox.toml takes, in the order the docs list
    /// them, for the error messages.
    public static let keys = ["image", "profile", "user", "workdir", "network", "hostname", "mounts", "volumes", "setup", "[env]", "[tasks]"]

    /// A short file written by hand: more than this is not a devbox.toml.
    public static let sizeLimit = 1 << 20

    /// The whole file as an environment. `file` is the file's absolute
    /// path: relative sources in `mounts` and `volumes` are taken from its
    /// directory, the project root.
    public static func definition(_ text: String, file: String) throws(ConfigError) -> EnvironmentDefinition {
        let document: TOMLDocument
        do { document = try TOMLReader.document(text) } catch {
            throw ConfigError(file: file, line: error.line, message: error.message)
        }
        var reader = ProjectConfigReader(file: file)
        return try reader.read(document)
    }

    /// The project's devbox.toml as an environment; nil when there is none.
    /// A file that exists but cannot be read is an error, not "no settings".
    public static func loadDefinition(projectRoot: String) throws(ConfigError) -> EnvironmentDefinition? {
        let file = (projectRoot == "/" ? "" : projectRoot) + "/devbox.toml"
        guard FileSystem.exists(file) else { return nil }
        // One byte past the limit tells a file that is too big from one that fits.
        guard let bytes = FileSystem.readBytes(file, limit: sizeLimit + 1) else {
            throw ConfigError(file: file, line: 0, message: "cannot be read; make it a readable file or remove it")
        }
        guard bytes.count <= sizeLimit else {
            throw ConfigError(file: file, line: 0, message: "is over 1 MiB, which no settings file needs; shorten it or remove it")
        }
        // Decoding would turn bad bytes into U+FFFD: a value the author never wrote.
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw ConfigError(file: file, line: 0, message: "is not UTF-8 text; save it as UTF-8")
        }
        return try definition(text, file: file)
    }

    /// Only the image, for `devbox run`: the whole file is still checked,
    /// so a broken devbox.toml is reported the same way by every command.
    public static func parse(_ text: String, file: String) throws(ConfigError) -> ProjectConfig {
        ProjectConfig(image: try definition(text, file: file).image)
    }

    public static func load(projectRoot: String) throws(ConfigError) -> ProjectConfig? {
        try loadDefinition(projectRoot: projectRoot).map { ProjectConfig(image: $0.image) }
    }
}
