import Platform

/// Finds profiles by name or path and applies `extends` chains.
/// Search order for a name: the project's directory (`.devbox/profiles`),
/// the user's (`$XDG_CONFIG_HOME/devbox/profiles`), then the built-in ones.
public struct ProfileResolver: Sendable {
    public var searchDirectories: [String]

    public init(searchDirectories: [String]) {
        self.searchDirectories = searchDirectories
    }

    public static func standard(environment: [String: String], home: String, project: String?) -> ProfileResolver {
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config"
        return ProfileResolver(searchDirectories: (project.map { [$0 + "/.devbox/profiles"] } ?? []) + [config + "/devbox/profiles"])
    }

    /// Names of every profile available, built-in ones included.
    public func available() -> [String] {
        var names = Set(BuiltinProfiles.sources.keys)
        for dir in searchDirectories {
            for file in FileSystem.list(dir) where file.hasSuffix(".toml") { names.insert(String(file.dropLast(5))) }
        }
        return names.sorted()
    }

    /// The source text and a display name (path or `builtin:NAME`).
    func source(_ reference: String) throws(ProfileError) -> (text: String, file: String) {
        if reference.contains("/") {
            guard let text = FileSystem.read(reference) else { throw .notFound(reference) }
            return (text, reference)
        }
        for dir in searchDirectories {
            let path = dir + "/" + reference + ".toml"
            if let text = FileSystem.read(path) { return (text, path) }
        }
        guard let text = BuiltinProfiles.sources[reference] else { throw .notFound(reference) }
        return (text, "profiles/\(reference).toml")
    }

    public func resolve(_ reference: String) throws(ProfileError) -> Profile {
        try resolve(reference, chain: [])
    }

    func resolve(_ reference: String, chain: [String]) throws(ProfileError) -> Profile {
        guard !chain.contains(reference) else { throw .cycle(chain + [reference]) }
        let parsed = try file(reference)
        let base = try parsed.extends.map { (parent: String) throws(ProfileError) -> Profile in
            try resolve(parent, chain: chain + [reference])
        } ?? Profile.empty(reference)
        return base.applying(parsed, name: reference)
    }

    /// The settings of one profile, before `extends`. A built-in one that no
    /// file shadows comes precompiled (see profiles/embed.py): parsing its
    /// TOML was a fifth of `devbox run`'s start-up instructions.
    func file(_ reference: String) throws(ProfileError) -> ProfileFile {
        if !reference.contains("/"), !shadowed(reference), let builtin = BuiltinProfiles.file(reference) {
            return builtin
        }
        let (text, file) = try source(reference)
        let directory = file.contains("/") ? String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)]) : "."
        return try ProfileParser.parse(text, file: file) { path in
            FileSystem.read(path.hasPrefix("/") ? path : directory + "/" + path)
        }
    }

    func shadowed(_ name: String) -> Bool {
        searchDirectories.contains { FileSystem.exists($0 + "/" + name + ".toml") }
    }

    /// Checks a file on its own (and what it extends).
    public func check(path: String) throws(ProfileError) -> Profile {
        try resolve(path)
    }
}
