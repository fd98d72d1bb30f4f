import FoundationEssentials
import OCI
import Platform

/// Reads a profile file strictly: unknown keys, wrong types and unknown
/// capability names are errors naming the file, line and key.
public enum ProfileParser {
    public static func parse(_ text: String, file: String) throws(ProfileError) -> ProfileFile {
        try parse(text, file: file, readSeccomp: { _ in nil })
    }

    /// `readSeccomp` reads a `[seccomp] file`, resolved against the profile's directory.
    public static func parse(_ text: String, file: String,
                             readSeccomp: (String) -> String?) throws(ProfileError) -> ProfileFile {
        let document: TOMLDocument
        do { document = try TOMLReader.document(text) } catch {
            throw .syntax(file: file, line: error.line, message: error.message)
        }
        // An empty `[tabel]` sets nothing, but it is a typo the author should hear about.
        for table in document.tables where !tables.contains(table.name) {
            throw .unknownKey(file: file, line: table.line, key: "[\(table.name)]")
        }
        var profile = ProfileFile()
        for entry in document.entries {
            let bad = { (expected: String) in ProfileError.badValue(file: file, line: entry.line, key: entry.path, expected: expected) }
            switch (entry.table, entry.key, entry.value) {
            case ("", "description", .string(let s)): profile.description = s
            case ("", "extends", .string(let s)): profile.extends = s
            case ("", "no_new_privileges", .boolean(let b)): profile.noNewPrivileges = b
            case ("", "network", .string(let s)):
                guard s == "host" || s == "none" else { throw bad("\"host\" or \"none\"") }
                profile.network = s
            case ("", "read_only_root", .boolean(let b)): profile.readOnlyRoot = b
            case ("", "read_only_project", .boolean(let b)): profile.readOnlyProject = b
            case ("", "nested_user_namespaces", .boolean(let b)): profile.nestedUserNamespaces = b
            case ("capabilities", "keep", let v): profile.capabilitiesKeep = try capabilities(v, entry, file, bad)
            case ("capabilities", "add", let v): profile.capabilitiesAdd = try capabilities(v, entry, file, bad)
            case ("capabilities", "drop", let v): profile.capabilitiesDrop = try capabilities(v, entry, file, bad)
            case ("paths", "masked", let v): profile.maskedPaths = try paths(v, bad)
            case ("paths", "read_only", let v): profile.readOnlyPaths = try paths(v, bad)
            case ("rlimits", let key, let v):
                guard Rlimits.names.contains(key) else {
                    throw .unknownKey(file: file, line: entry.line, key: entry.path)
                }
                guard case .array(let pair) = v, pair.count == 2, case .integer(let soft) = pair[0], case .integer(let hard) = pair[1],
                      soft >= 0, hard >= soft else { throw bad("[soft, hard] with 0 <= soft <= hard") }
                profile.rlimits[key] = (UInt64(soft), UInt64(hard))
            case ("env", let key, .string(let s)):
                // The same rule as -e: a name the kernel's KEY=VAL strings can carry.
                guard !key.isEmpty, !key.utf8.contains(UInt8(ascii: "=")), !key.utf8.contains(0), !s.utf8.contains(0) else {
                    throw bad("a variable with a non-empty name without '=' (NAME = \"value\")")
                }
                profile.environment[key] = s
            case ("seccomp", "default_action", .string(let s)):
                guard ["allow", "errno", "kill"].contains(s) else { throw bad("\"allow\", \"errno\" or \"kill\"") }
                profile.seccompDefault = s
            case ("seccomp", "errno", .integer(let n)):
                guard n > 0 && n < 4096 else { throw bad("an errno number such as 1 (EPERM)") }
                profile.seccompErrno = Int(n)
            case ("seccomp", "deny", let v):
                guard let rules = strings(v) else { throw bad("a list of syscall names or conditions") }
                for rule in rules where !SeccompRules.isValid(rule) {
                    throw .unknownSyscall(file: file, line: entry.line, name: rule)
                }
                profile.seccompDeny = rules
            case ("seccomp", "file", .string(let path)):
                guard let json = readSeccomp(path) else {
                    throw .badValue(file: file, line: entry.line, key: entry.path, expected: "a readable seccomp JSON file ('\(path)' cannot be read)")
                }
                do {
                    profile.seccompFile = try JSONDecoder().decode(LinuxSeccomp.self, from: Data(json.utf8))
                } catch {
                    throw .badValue(file: file, line: entry.line, key: entry.path, expected: "a Docker/OCI seccomp profile (\(path): \(error))")
                }
            case ("", "description", _), ("", "extends", _), ("", "network", _), ("env", _, _):
                throw bad("a string")
            case ("", "no_new_privileges", _), ("", "read_only_root", _), ("", "read_only_project", _), ("", "nested_user_namespaces", _):
                throw bad("true or false")
            default:
                throw .unknownKey(file: file, line: entry.line, key: entry.path)
            }
        }
        return profile
    }

    static let tables: Set<String> = ["capabilities", "paths", "rlimits", "env", "seccomp"]

    static func strings(_ value: TOMLValue) -> [String]? {
        guard case .array(let items) = value else { return nil }
        var out: [String] = []
        for item in items {
            guard case .string(let s) = item else { return nil }
            out.append(s)
        }
        return out
    }

    static func capabilities(_ value: TOMLValue, _ entry: TOMLEntry, _ file: String,
                             _ bad: (String) -> ProfileError) throws(ProfileError) -> [String] {
        guard let names = strings(value) else { throw bad("a list of capability names") }
        for name in names where !CapabilityName.known.contains(CapabilityName.canonical(name)) && CapabilityName.canonical(name) != "ALL" {
            throw .unknownCapability(file: file, line: entry.line, name: name)
        }
        return names
    }

    static func paths(_ value: TOMLValue, _ bad: (String) -> ProfileError) throws(ProfileError) -> [String] {
        guard let list = strings(value), list.allSatisfy({ $0.hasPrefix("/") }) else { throw bad("a list of absolute paths") }
        return list
    }
}

public enum Rlimits {
    /// setrlimit(2) resources by their profile names.
    public static let names: Set<String> = ["as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue",
                                            "nice", "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"]
}
