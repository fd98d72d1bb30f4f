import Platform

/// Turns a read devbox.toml into an EnvironmentDefinition, key by key. The
/// container settings become the `devbox run` flags they stand for, checked
/// here by run's own value parsers so a bad mount is reported at its line
/// in the file rather than later as a bad flag nobody typed.
struct ProjectConfigReader {
    let file: String
    /// The file's directory: where relative mount and volume sources start.
    let root: String
    var definition: EnvironmentDefinition

    init(file: String) {
        self.file = file
        root = ProjectConfigReader.directory(of: file)
        definition = EnvironmentDefinition(format: .devboxToml, file: file)
        // devbox.toml has no remote user: exec'd processes run as the
        // container's user, root inside unless `user` says otherwise.
        definition.userEnvProbe = .none
        definition.overrideCommand = true
        definition.updateRemoteUserUID = false
    }

    static let tables: Set<String> = ["env", "tasks"]

    mutating func read(_ document: TOMLDocument) throws(ConfigError) -> EnvironmentDefinition {
        // The first problem in the file is the one reported, whether it is
        // a table header or a key.
        let badTable = document.tables.first { !Self.tables.contains($0.name) }
        for entry in document.entries {
            if let badTable, badTable.line < entry.line { throw unknownTable(badTable) }
            try read(entry)
        }
        if let badTable { throw unknownTable(badTable) }
        return definition
    }

    mutating func read(_ entry: TOMLEntry) throws(ConfigError) {
        switch entry.table {
        case "env": return try readEnv(entry)
        case "tasks": return try readTask(entry)
        default: break
        }
        switch entry.key {
        case "image":
            let name = try string(entry, "a string such as \"alpine:3.20\"")
            guard !name.isEmpty, !name.utf8.contains(where: { $0 <= 32 || $0 == 127 }) else {
                throw bad(entry, "an image reference such as \"alpine:3.20\"")
            }
            definition.image = name
        case "profile":
            let name = try string(entry, "a string such as \"strict\"")
            // A name, never a path: a project may not point devbox at other
            // files (docs/TRUST.md), and names are what `.devbox/profiles` holds.
            guard !name.isEmpty, !name.hasPrefix("-"), !name.hasPrefix("."),
                  name.utf8.allSatisfy({ ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) else {
                throw bad(entry, "a profile name such as \"strict\" (letters, digits, '_', '.', '-'; not a path)")
            }
            definition.extraRunFlags += ["--profile", name]
        case "user":
            let user = try string(entry, "a string such as \"1000\" or \"dev:dev\"")
            definition.containerUser = try userSpec(user, entry)
        case "workdir":
            let dir = try string(entry, "a string such as \"/src\"")
            guard dir.hasPrefix("/"), !dir.utf8.contains(where: { $0 < 32 }) else {
                throw bad(entry, "an absolute path inside the container such as \"/src\"")
            }
            definition.extraRunFlags += ["-w", dir]
        case "network":
            let mode = try string(entry, "\"host\" or \"none\"")
            guard mode == "host" || mode == "none" else { throw bad(entry, "\"host\" or \"none\"") }
            definition.extraRunFlags += ["--network", mode]
        case "hostname":
            let name = try string(entry, "a string such as \"dev\"")
            guard Self.isHostname(name) else {
                throw bad(entry, "a host name such as \"dev\" (letters, digits, '-' and '.', at most 64 characters)")
            }
            definition.extraRunFlags += ["--hostname", name]
        case "mounts":
            for (index, text) in try strings(entry, "an array of --mount strings such as [\"type=bind,source=./data,target=/data\"]").enumerated() {
                definition.mounts.append(try mount(text, entry, item: index + 1))
            }
        case "volumes":
            for (index, text) in try strings(entry, "an array of -v strings such as [\"./cache:/cache\", \"name:/data:ro\"]").enumerated() {
                definition.extraRunFlags += ["-v", try volume(text, entry, item: index + 1)]
            }
        case "setup":
            let expected = "a command string or an array of them, such as [\"make deps\"]"
            let commands: [String]
            if case .string(let one) = entry.value { commands = [one] } else { commands = try strings(entry, expected) }
            guard !commands.contains(where: { $0.allSatisfy(\.isWhitespace) }) else { throw bad(entry, expected + ", none of them empty") }
            definition.setup = commands
        case "env", "tasks":
            throw ConfigError(file: file, line: entry.line, message: "'\(entry.key)' must be a table: write [\(entry.key)] and then NAME = \"...\" lines under it")
        default:
            throw ConfigError(file: file, line: entry.line, message: "unknown key '\(entry.path)'; devbox.toml takes: \(ProjectConfig.keys.joined(separator: ", "))")
        }
    }

    mutating func readEnv(_ entry: TOMLEntry) throws(ConfigError) {
        guard Self.isVariableName(entry.key) else {
            throw ConfigError(file: file, line: entry.line, message: "'\(entry.key)' in [env] is not a variable name; use letters, digits and '_', not starting with a digit")
        }
        guard case .string(let value) = entry.value else { throw bad(entry, "a string: \(entry.key) = \"value\"") }
        definition.containerEnv.append(entry.key + "=" + value)
    }

    mutating func readTask(_ entry: TOMLEntry) throws(ConfigError) {
        let name = entry.key
        guard !name.isEmpty, !name.hasPrefix("-"),
              name.utf8.allSatisfy({ ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "-") }) else {
            throw ConfigError(file: file, line: entry.line, message: "'\(name)' in [tasks] is not a task name; use letters, digits, '_', '.' and '-', not starting with '-'")
        }
        guard case .string(let command) = entry.value, !command.allSatisfy(\.isWhitespace) else {
            throw bad(entry, "a shell command string such as \(name) = \"make test\"")
        }
        definition.tasks.append(EnvironmentDefinition.Task(name: name, command: command))
    }

    // MARK: values

    func string(_ entry: TOMLEntry, _ expected: String) throws(ConfigError) -> String {
        guard case .string(let text) = entry.value else { throw bad(entry, expected) }
        return text
    }

    func strings(_ entry: TOMLEntry, _ expected: String) throws(ConfigError) -> [String] {
        guard case .array(let items) = entry.value else { throw bad(entry, expected) }
        var out: [String] = []
        out.reserveCapacity(items.count)
        for item in items {
            guard case .string(let text) = item else { throw bad(entry, expected) }
            out.append(text)
        }
        return out
    }

    /// `name[:group]`, as `--user` takes it; names or numbers.
    func userSpec(_ text: String, _ entry: TOMLEntry) throws(ConfigError) -> String {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count <= 2, parts.allSatisfy({ part in
            !part.isEmpty && !part.hasPrefix("-") && part.utf8.allSatisfy { $0 > 32 && $0 != 127 && $0 != UInt8(ascii: "/") }
        }) else {
            throw bad(entry, "a user such as \"dev\", \"1000\" or \"dev:dev\" (name[:group])")
        }
        return text
    }

    /// A `--mount` value, checked as run checks it; a bind's relative
    /// source becomes absolute under the project root.
    func mount(_ text: String, _ entry: TOMLEntry, item: Int) throws(ConfigError) -> String {
        let request: RunFlagValues.MountRequest
        do { request = try RunFlagValues.mount(text) } catch { throw badItem(entry, item, error.description) }
        guard case .bind(let bind) = request, !bind.source.hasPrefix("/") else { return text }
        let source = Self.absolute(bind.source, under: root)
        // `--mount` fields are split on ',': a path holding one cannot be said in it.
        guard !source.contains(",") else {
            throw badItem(entry, item, "the source \(source) holds a ',', which --mount cannot express; use volumes = [\"\(bind.source):\(bind.destination)\"]")
        }
        return text.split(separator: ",", omittingEmptySubsequences: false).map { field -> String in
            field.hasPrefix("source=") || field.hasPrefix("src=") ? String(field.prefix { $0 != "=" }) + "=" + source : String(field)
        }.joined(separator: ",")
    }

    /// A `-v` value, checked as run checks it; a relative source (one with
    /// a '/', or `.`/`..`: a bare word is a named volume) becomes absolute.
    func volume(_ text: String, _ entry: TOMLEntry, item: Int) throws(ConfigError) -> String {
        let request: RunFlagValues.MountRequest
        do { request = try RunFlagValues.volume(text) } catch { throw badItem(entry, item, error.description) }
        guard case .bind(let bind) = request, !bind.source.hasPrefix("/") else { return text }
        let source = Self.absolute(bind.source, under: root)
        // `-v` fields are split on ':'.
        guard !source.contains(":") else {
            throw badItem(entry, item, "the source \(source) holds a ':', which -v cannot express; use mounts = [\"type=bind,source=\(bind.source),target=\(bind.destination)\"]")
        }
        let rest = text.drop { $0 != ":" }
        return source + rest
    }

    // MARK: errors

    func bad(_ entry: TOMLEntry, _ expected: String) -> ConfigError {
        ConfigError(file: file, line: entry.line, message: "'\(entry.path)' must be \(expected)")
    }

    func badItem(_ entry: TOMLEntry, _ item: Int, _ reason: String) -> ConfigError {
        ConfigError(file: file, line: entry.line, message: "'\(entry.path)' item \(item): \(reason)")
    }

    func unknownTable(_ table: TOMLTable) -> ConfigError {
        ConfigError(file: file, line: table.line, message: "unknown table [\(table.name)]; devbox.toml takes: \(ProjectConfig.keys.joined(separator: ", "))")
    }

    // MARK: names and paths

    static func isVariableName(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9")) else { return false }
        return name.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
    }

    /// RFC 1123 labels, as the kernel's 64-byte UTS name holds them.
    static func isHostname(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 64, !name.hasPrefix("-"), !name.hasPrefix(".") else { return false }
        return name.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }
    }

    static func directory(of file: String) -> String {
        guard let slash = file.utf8.lastIndex(of: UInt8(ascii: "/")) else { return "." }
        return slash == file.utf8.startIndex ? "/" : String(file[..<slash])
    }

    /// `path` under `root`, with `.` and `..` taken lexically (as the
    /// user reads them in the file, not through symlinks); never above `/`.
    static func absolute(_ path: String, under root: String) -> String {
        // A file named without a directory: the caller's relative root stays relative.
        guard root.hasPrefix("/") else { return root + "/" + path }
        var parts: [Substring] = []
        for part in (root + "/" + path).split(separator: "/") {
            switch part {
            case ".": continue
            case "..": if !parts.isEmpty { parts.removeLast() }
            default: parts.append(part)
            }
        }
        return "/" + parts.joined(separator: "/")
    }
}
