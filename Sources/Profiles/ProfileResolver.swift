import Platform

/// Where a profile's definition came from, which decides how far it is
/// trusted (docs/TRUST.md).
public enum ProfileOrigin: Equatable, Sendable, CustomStringConvertible {
    /// Compiled into devbox. A built-in name always means this.
    case builtin
    /// `$XDG_CONFIG_HOME/devbox/profiles/NAME.toml`: the user's own.
    case user(String)
    /// `PROJECT/.devbox/profiles/NAME.toml`: code from the repository.
    case project(String)
    /// A path the user gave (`--profile PATH`, `profile check FILE`).
    case file(String)

    public var description: String {
        switch self {
        case .builtin: return "built-in"
        case .user(let path): return "user " + path
        case .project(let path): return "project " + path
        case .file(let path): return "file " + path
        }
    }
}

/// A resolved profile with where it came from. `weakenings` lists, for
/// each project profile in its `extends` chain, how it loosens its base;
/// non-empty only when the resolver was allowed to accept that.
public struct ResolvedProfile: Equatable, Sendable {
    public var profile: Profile
    public var origin: ProfileOrigin
    public var weakenings: [String]
    /// This profile's name and those it extends, nearest first.
    public var lineage: [String]
}

/// Finds profiles by name or path and applies `extends` chains.
///
/// A name means, in this order: a built-in profile (always: no file can
/// replace `default`, `strict`, `build` or `unconfined`), the user's file,
/// then the project's. A project profile is used only when named (on the
/// command line or by an `extends`), and is refused when it confines less
/// than what it extends unless the user allowed it (`--allow-project-profile`).
public struct ProfileResolver: Sendable {
    public var userDirectory: String?
    public var projectDirectory: String?
    /// `--allow-project-profile`: the user accepts a project profile that
    /// is weaker than its base.
    public var allowWeakerProjectProfiles: Bool
    var hostLimit: ProfileStrength.HostLimit

    public init(userDirectory: String? = nil, projectDirectory: String? = nil, allowWeakerProjectProfiles: Bool = false,
                hostLimit: @escaping ProfileStrength.HostLimit = ProfileStrength.currentLimit) {
        self.userDirectory = userDirectory
        self.projectDirectory = projectDirectory
        self.allowWeakerProjectProfiles = allowWeakerProjectProfiles
        self.hostLimit = hostLimit
    }

    public static func standard(environment: [String: String], home: String, project: String?,
                                allowWeakerProjectProfiles: Bool = false) -> ProfileResolver {
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config"
        return ProfileResolver(userDirectory: config + "/devbox/profiles", projectDirectory: project.map { $0 + "/.devbox/profiles" },
                               allowWeakerProjectProfiles: allowWeakerProjectProfiles)
    }

    /// One row of `devbox profile list`.
    public struct Listing: Equatable, Sendable {
        public var name: String
        public var origin: ProfileOrigin
        /// Why a file is not used under its name; nil for the one that is.
        public var ignored: String?
    }

    /// Every profile file and built-in, in the order a name resolves, with
    /// the files that a name never reaches marked as such.
    public func available() -> [Listing] {
        var rows = BuiltinProfiles.sources.keys.sorted().map { Listing(name: $0, origin: .builtin) }
        var taken = Set(rows.map(\.name))
        let directories: [(String?, (String) -> ProfileOrigin)] = [(userDirectory, ProfileOrigin.user), (projectDirectory, ProfileOrigin.project)]
        for (directory, origin) in directories {
            guard let directory else { continue }
            for file in FileSystem.list(directory).sorted() where file.hasSuffix(".toml") {
                let name = String(file.dropLast(5))
                var row = Listing(name: name, origin: origin(directory + "/" + file))
                if BuiltinProfiles.sources[name] != nil {
                    row.ignored = "built-in profile names always mean the built-in profile"
                } else if taken.contains(name) {
                    row.ignored = "your user profile of this name is used"
                } else if !Self.isName(name) {
                    row.ignored = "not a valid profile name"
                }
                if row.ignored == nil { taken.insert(name) }
                rows.append(row)
            }
        }
        return rows
    }

    /// Where a name or path leads, without reading it.
    public func origin(of reference: String) throws(ProfileError) -> ProfileOrigin {
        if reference.contains("/") { return .file(reference) }
        guard Self.isName(reference) else { throw .badName(reference) }
        if BuiltinProfiles.sources[reference] != nil { return .builtin }
        if let dir = userDirectory, FileSystem.exists(dir + "/" + reference + ".toml") { return .user(dir + "/" + reference + ".toml") }
        if let dir = projectDirectory, FileSystem.exists(dir + "/" + reference + ".toml") { return .project(dir + "/" + reference + ".toml") }
        throw .notFound(reference)
    }

    /// Letters, digits, `.`, `_`, `-`, not starting with `.`: a name can
    /// neither climb out of a profile directory nor hide as a dot file.
    static func isName(_ name: String) -> Bool {
        guard let first = name.utf8.first, first != UInt8(ascii: ".") else { return false }
        return name.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }
    }

    public func resolve(_ reference: String) throws(ProfileError) -> Profile {
        try resolveWithOrigin(reference).profile
    }

    public func resolveWithOrigin(_ reference: String) throws(ProfileError) -> ResolvedProfile {
        try resolve(reference, chain: [])
    }

    func resolve(_ reference: String, chain: [String]) throws(ProfileError) -> ResolvedProfile {
        guard !chain.contains(reference) else { throw .cycle(chain + [reference]) }
        let origin = try origin(of: reference)
        let parsed = try file(reference, origin: origin)
        var weakenings: [String] = []
        var lineage: [String] = []
        let base: Profile
        if let parent = parsed.extends {
            if case .project(let path) = origin, parent.contains("/") { throw .projectExtendsPath(file: path) }
            let resolved = try resolve(parent, chain: chain + [reference])
            base = resolved.profile
            weakenings = resolved.weakenings
            lineage = resolved.lineage
        } else {
            base = Profile.empty(reference)
        }
        let profile = base.applying(parsed, name: reference)
        if case .project(let path) = origin {
            weakenings += try projectWeakenings(profile, base: parsed.extends == nil ? nil : base, lineage: lineage, file: path)
        }
        return ResolvedProfile(profile: profile, origin: origin, weakenings: weakenings, lineage: [reference] + lineage)
    }

    /// How a project profile loosens what it extends (a profile that extends
    /// nothing is measured against `default`, the profile a run would have
    /// had without it). Thrown unless the user allowed it.
    func projectWeakenings(_ profile: Profile, base: Profile?, lineage: [String], file: String) throws(ProfileError) -> [String] {
        let comparison: Profile
        if let base { comparison = base } else { comparison = try ProfileResolver().resolve("default") }
        var reasons = lineage.contains("unconfined") ? ["extends unconfined"] : []
        reasons += ProfileStrength.weakenings(of: profile, against: comparison, hostLimit: hostLimit)
        guard !reasons.isEmpty else { return [] }
        if !allowWeakerProjectProfiles {
            if lineage.contains("unconfined") { throw .projectExtendsUnconfined(file: file) }
            throw .weakerProjectProfile(file: file, base: base?.name ?? "default", reasons: reasons)
        }
        return ["\(file) is weaker than '\(base?.name ?? "default")': " + reasons.joined(separator: "; ")]
    }

    /// The settings of one profile, before `extends`. Built-in ones come
    /// precompiled (see profiles/embed.py): parsing their TOML was a fifth
    /// of `devbox run`'s start-up instructions.
    func file(_ reference: String, origin: ProfileOrigin) throws(ProfileError) -> ProfileFile {
        let path: String
        switch origin {
        case .builtin:
            guard let builtin = BuiltinProfiles.file(reference) else { throw .notFound(reference) }
            return builtin
        case .user(let p), .project(let p), .file(let p):
            path = p
        }
        guard let text = FileSystem.read(path) else { throw .notFound(reference) }
        let directory = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        let project: Bool
        if case .project = origin { project = true } else { project = false }
        return try ProfileParser.parse(text, file: path) { seccompPath in
            // A project's profile reads JSON only beside itself: its path is
            // not a way to have devbox open the user's other files.
            if project && (seccompPath.hasPrefix("/") || ASCII.split(seccompPath, on: UInt8(ascii: "/")).contains("..")) { return nil }
            return FileSystem.read(seccompPath.hasPrefix("/") ? seccompPath : directory + "/" + seccompPath)
        }
    }

    /// Checks a file on its own (and what it extends).
    public func check(path: String) throws(ProfileError) -> Profile {
        try resolve(path)
    }
}
