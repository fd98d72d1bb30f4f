import Platform

/// devcontainer.json values read as the types the spec's schema gives them
/// (schemas/devContainer.base.schema.json). Every string taken goes through
/// variable substitution; a wrong type is a file:line error naming the key
/// and what it must be, because a value skipped silently (a capability, a
/// mount) would give an environment other than the one the file describes.
struct DevcontainerValues {
    var file: String
    var variables: DevcontainerVariables
    /// false for image labels: variables that cannot be resolved stay as written.
    var strict = true

    func error(_ line: Int, _ message: String) -> ConfigError {
        ConfigError(file: file, line: line, message: message)
    }

    func mismatch(_ key: String, _ expected: String, _ value: JSONCValue) -> ConfigError {
        error(value.line, "'\(key)' must be \(expected), not \(value.typeName)")
    }

    /// A string from the file, checked and substituted. `key` is the
    /// top-level setting, which decides where `${containerEnv:...}` may stand.
    func text(_ raw: String, key: String, line: Int) throws(ConfigError) -> String {
        // No path, argument or environment entry can carry a NUL: it would
        // cut the value short somewhere far from here.
        guard !raw.utf8.contains(0) else { throw error(line, "'\(key)' holds a NUL character (\\u0000)") }
        do {
            return try variables.substitute(raw, key: key, strict: strict)
        } catch {
            throw self.error(line, error.message)
        }
    }

    func string(_ value: JSONCValue, key: String) throws(ConfigError) -> String {
        guard case .string(let raw) = value.kind else { throw mismatch(key, "a string", value) }
        return try text(raw, key: key, line: value.line)
    }

    func bool(_ value: JSONCValue, key: String) throws(ConfigError) -> Bool {
        guard case .bool(let flag) = value.kind else { throw mismatch(key, "true or false", value) }
        return flag
    }

    func strings(_ value: JSONCValue, key: String) throws(ConfigError) -> [String] {
        guard case .array(let elements) = value.kind else { throw mismatch(key, "an array of strings", value) }
        var out: [String] = []
        for (n, element) in elements.enumerated() {
            guard case .string(let raw) = element.kind else {
                throw error(element.line, "'\(key)' must be an array of strings; element \(n + 1) is \(element.typeName)")
            }
            out.append(try text(raw, key: key, line: element.line))
        }
        return out
    }

    /// One of a fixed set of words; enums take no variables (the spec lists none for them).
    func choice<T: RawRepresentable & CaseIterable>(_ value: JSONCValue, key: String, of type: T.Type,
                                                     allowed: [T]? = nil) throws(ConfigError) -> T where T.RawValue == String {
        let cases = allowed ?? Array(T.allCases)
        let names = cases.map(\.rawValue).concatenated(separator: ", ")
        guard case .string(let word) = value.kind else { throw mismatch(key, "one of \(names)", value) }
        guard let found = cases.first(where: { $0.rawValue == word }) else {
            throw error(value.line, "'\(key)' must be one of \(names), not '\(word)'")
        }
        return found
    }

    /// An integer written as one (no fraction, no exponent) within `range`.
    func integer(_ value: JSONCValue, key: String, in range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard case .number(let literal) = value.kind, let number = Int(literal), range.contains(number) else {
            throw error(value.line, "'\(key)' must be a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    /// `name → value` pairs in file order. Names are keys, which take no
    /// variables (as in the CLI); values do. `nullable`: remoteEnv's null
    /// ("unset this variable") comes back as nil.
    func environment(_ value: JSONCValue, key: String, nullable: Bool) throws(ConfigError) -> [(name: String, value: String?)] {
        let expected = nullable ? "an object of strings (or null)" : "an object of strings"
        guard case .object(let members) = value.kind else { throw mismatch(key, expected, value) }
        var out: [(name: String, value: String?)] = []
        for member in members {
            guard !member.key.isEmpty, !member.key.utf8.contains(UInt8(ascii: "=")), !member.key.utf8.contains(0) else {
                throw error(member.line, "'\(key)' has the variable name '\(member.key)'; a name cannot be empty or hold '='")
            }
            switch member.value.kind {
            case .string(let raw):
                out.append((member.key, try text(raw, key: key, line: member.value.line)))
            case .null where nullable:
                out.append((member.key, nil))
            default:
                throw error(member.value.line, "'\(key)' must be \(expected); '\(member.key)' is \(member.value.typeName)")
            }
        }
        return out
    }

    /// A lifecycle command in its three forms; nil for an empty one ("",
    /// [] or {}), which runs nothing.
    func command(_ value: JSONCValue, key: String) throws(ConfigError) -> LifecycleCommand? {
        let expected = "a string, an array of strings, or an object whose values are those"
        switch value.kind {
        case .string, .array:
            return try single(value, key: key, expected: expected)
        case .object(let members):
            var named: [LifecycleCommand.Named] = []
            for member in members {
                if let command = try single(member.value, key: key, expected: expected) {
                    named.append(LifecycleCommand.Named(name: member.key, command: command))
                }
            }
            return named.isEmpty ? nil : .parallel(named)
        default:
            throw mismatch(key, expected, value)
        }
    }

    private func single(_ value: JSONCValue, key: String, expected: String) throws(ConfigError) -> LifecycleCommand? {
        switch value.kind {
        case .string(let raw):
            let line = try text(raw, key: key, line: value.line)
            return line.isEmpty ? nil : .shell(line)
        case .array:
            let argv = try strings(value, key: key)
            return argv.isEmpty ? nil : .argv(argv)
        default:
            throw mismatch(key, expected, value)
        }
    }

    /// `hostRequirements` sizes: digits with an optional tb, gb, mb or kb
    /// (binary units, as the CLI's parseBytes; any case).
    func bytes(_ value: JSONCValue, key: String) throws(ConfigError) -> UInt64 {
        let expected = "a size such as \"4gb\" (a number with tb, gb, mb or kb)"
        guard case .string(let raw) = value.kind else { throw mismatch(key, expected, value) }
        var digits = Array(raw.lowercased().utf8)
        var unit: UInt64 = 1
        if digits.count > 2, digits.last == UInt8(ascii: "b") {
            switch digits[digits.count - 2] {
            case UInt8(ascii: "t"): unit = 1 << 40
            case UInt8(ascii: "g"): unit = 1 << 30
            case UInt8(ascii: "m"): unit = 1 << 20
            case UInt8(ascii: "k"): unit = 1 << 10
            default: break
            }
            if unit > 1 { digits.removeLast(2) }
        }
        guard !digits.isEmpty, digits.allSatisfy(ASCII.isDigit),
              let number = UInt64(String(decoding: digits, as: UTF8.self)) else {
            throw error(value.line, "'\(key)' must be \(expected), not \"\(raw)\"")
        }
        let (total, overflow) = number.multipliedReportingOverflow(by: unit)
        guard !overflow else { throw error(value.line, "'\(key)' is too large: \"\(raw)\"") }
        return total
    }
}
