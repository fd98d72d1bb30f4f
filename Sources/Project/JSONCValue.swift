/// One value of a JSON-with-comments document (devcontainer.json, an image's
/// `devcontainer.metadata` label), with the line it starts on: every error
/// about a setting can then say file:line, however deep the setting sits.
public struct JSONCValue: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Members in file order; a key given twice keeps its first place
        /// and its last value, as JavaScript's JSON.parse does.
        case object([JSONCMember])
        case array([JSONCValue])
        case string(String)
        /// The number as written (already checked against JSON's grammar).
        /// JSON numbers have no size limit; the few that devcontainer.json
        /// holds (ports, CPU counts) are read as integers where they are used.
        case number(String)
        case bool(Bool)
        case null
    }

    public var kind: Kind
    /// 1-based.
    public var line: Int

    public init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }

    /// The member named `key` of an object; nil for a missing key or a non-object.
    public subscript(key: String) -> JSONCValue? {
        guard case .object(let members) = kind else { return nil }
        return members.first { $0.key == key }?.value
    }

    /// How the value is called in messages ("'capAdd' must be an array, not a string").
    public var typeName: String {
        switch kind {
        case .object: return "an object"
        case .array: return "an array"
        case .string: return "a string"
        case .number: return "a number"
        case .bool: return "a boolean"
        case .null: return "null"
        }
    }
}

public struct JSONCMember: Equatable, Sendable {
    public var key: String
    public var value: JSONCValue
    /// The key's line (the value may start on a later one).
    public var line: Int

    public init(key: String, value: JSONCValue, line: Int) {
        self.key = key
        self.value = value
        self.line = line
    }
}

/// What the reader could not read, and where.
public struct JSONCSyntaxError: Error, Equatable, Sendable, CustomStringConvertible {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }

    public var description: String { "line \(line): \(message)" }
}
