import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// `devbox oci create|start|state|kill|delete|run` parsed without
/// ArgumentParser: container engines call these once per container and
/// step, and ArgumentParser's reflection cost more than a third of `oci
/// run`'s CPU (it made devbox 1.8x crun there). Anything this parser does
/// not take exactly (help, an unknown or repeated option, a missing id, a
/// flag cluster) returns nil and goes through ArgumentParser, which also
/// gives every error message; ArgumentParityTests keeps the two agreeing.
struct OCIArguments: Equatable {
    enum Verb: String { case create, start, state, kill, delete, run }

    var verb: Verb
    var id = ""
    var root: String?
    var debug = false
    var bundle = "."
    var pidFile: String?
    var consoleSocket: String?
    var detach = false
    var force = false
    var signal = "TERM"

    /// `arguments` follows `oci`: global options, the verb, its options
    /// and operands, in runc's order or with the global options after the verb.
    static func parse(_ arguments: [String]) -> OCIArguments? {
        var globals: [String: String] = [:]
        var start = 0
        while start < arguments.count, arguments[start].hasPrefix("-") {
            guard let next = takeGlobal(arguments, at: start, into: &globals) else { return nil }
            start = next
        }
        guard start < arguments.count, let verb = Verb(rawValue: arguments[start]) else { return nil }
        var parsed = OCIArguments(verb: verb)
        var operands: [String] = []
        var seen: Set<String> = Set(globals.keys)
        let words = Array(arguments[(start + 1)...])
        var i = 0
        while i < words.count {
            let word = words[i]
            i += 1
            if word == "--" { operands += words[i...]; break }
            guard word.hasPrefix("-"), word != "-" else { operands.append(word); continue }
            var name = word
            var inline: String?
            if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
                name = String(word[..<equals])
                inline = String(word[word.index(after: equals)...])
            }
            guard let option = option(name, for: verb), seen.insert(option.key).inserted else { return nil }
            if option.takesValue {
                let value: String
                if let inline { value = inline } else {
                    guard i < words.count, !words[i].hasPrefix("-") else { return nil }
                    value = words[i]
                    i += 1
                }
                if option.isGlobal { globals[option.key] = value } else { parsed.set(option.key, value) }
            } else {
                guard inline == nil else { return nil }
                if option.isGlobal { globals[option.key] = "" } else { parsed.set(option.key, "") }
            }
        }
        switch (verb, operands.count) {
        case (.kill, 1), (.kill, 2):
            if operands.count == 2 { parsed.signal = operands[1] }
        case (_, 1):
            break
        default:
            return nil
        }
        parsed.id = operands[0]
        parsed.root = globals["root"]
        // --log-level takes only these words (ArgumentParser checks them).
        if let level = globals["log-level"] {
            guard ["error", "warn", "info", "debug"].contains(level) else { return nil }
            parsed.debug = level == "debug"
        }
        if globals["debug"] != nil { parsed.debug = true }
        return parsed
    }

    struct Option {
        var key: String
        var takesValue: Bool
        var isGlobal: Bool
    }

    /// runc's global options, which may come before the verb (OCICommand
    /// moves them after it for ArgumentParser).
    static let globalOptions: [String: Option] = [
        "--root": .init(key: "root", takesValue: true, isGlobal: true),
        "--log": .init(key: "log", takesValue: true, isGlobal: true),
        "--log-format": .init(key: "log-format", takesValue: true, isGlobal: true),
        "--log-level": .init(key: "log-level", takesValue: true, isGlobal: true),
        "--debug": .init(key: "debug", takesValue: false, isGlobal: true),
        "--systemd-cgroup": .init(key: "systemd-cgroup", takesValue: false, isGlobal: true),
    ]

    /// The verb's own options: (names, key, takes a value, verbs).
    private static let verbOptions: [([String], String, Bool, Set<Verb>)] = [
        (["-b", "--bundle"], "bundle", true, [.create, .run]),
        (["--pid-file"], "pid-file", true, [.create, .run]),
        (["--console-socket"], "console-socket", true, [.create, .run]),
        (["--no-pivot"], "no-pivot", false, [.create, .run]),
        (["--no-new-keyring"], "no-new-keyring", false, [.create]),
        (["-d", "--detach"], "detach", false, [.run]),
        (["-f", "--force"], "force", false, [.delete]),
        (["-a", "--all"], "all", false, [.kill]),
    ]

    private static func option(_ name: String, for verb: Verb) -> Option? {
        if let global = globalOptions[name] { return global }
        guard let (_, key, takesValue, _) = verbOptions.first(where: { $0.0.contains(name) && $0.3.contains(verb) }) else { return nil }
        return Option(key: key, takesValue: takesValue, isGlobal: false)
    }

    /// One global option before the verb, as runc (and containerd) put
    /// them; the index after it, or nil when it is not one (or repeated).
    private static func takeGlobal(_ words: [String], at index: Int, into globals: inout [String: String]) -> Int? {
        var name = words[index]
        var inline: String?
        if let equals = name.firstIndex(of: "=") {
            inline = String(name[name.index(after: equals)...])
            name = String(name[..<equals])
        }
        guard let option = globalOptions[name], globals[option.key] == nil else { return nil }
        if !option.takesValue {
            guard inline == nil else { return nil }
            globals[option.key] = ""
            return index + 1
        }
        if let inline {
            globals[option.key] = inline
            return index + 1
        }
        guard index + 1 < words.count, !words[index + 1].hasPrefix("-") else { return nil }
        globals[option.key] = words[index + 1]
        return index + 2
    }

    private mutating func set(_ key: String, _ value: String) {
        switch key {
        case "bundle": bundle = value
        case "pid-file": pidFile = value
        case "console-socket": consoleSocket = value
        case "detach": detach = true
        case "force": force = true
        default: break  // accepted for runc compatibility
        }
    }
}
