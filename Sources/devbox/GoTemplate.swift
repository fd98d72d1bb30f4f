import ArgumentParser
import FoundationEssentials

/// The part of Go's text/template that scripts pass to `podman inspect
/// --format` and `podman ps --format`: literal text, `{{.Field.Sub}}`,
/// `{{json .Field}}` and `{{.}}`. Anything else is an error naming it, not
/// a silent guess.
struct GoTemplate {
    enum Piece { case text(String), field([String], json: Bool) }
    let pieces: [Piece]

    /// A usage error (exit 125), naming what is not understood.
    static func Unsupported(action: String) -> ValidationError {
        ValidationError("--format: {{\(action)}} is not supported; use {{.Field.Sub}}, {{json .Field}} or json")
    }

    init(_ text: String) throws {
        var pieces: [Piece] = []
        let chars = Array(text)
        var literal = ""
        var i = 0
        while i < chars.count {
            guard i + 1 < chars.count, chars[i] == "{", chars[i + 1] == "{" else {
                literal.append(chars[i])
                i += 1
                continue
            }
            var j = i + 2
            while j + 1 < chars.count, !(chars[j] == "}" && chars[j + 1] == "}") { j += 1 }
            guard j + 1 < chars.count else { throw GoTemplate.Unsupported(action: String(chars[(i + 2)...])) }
            if !literal.isEmpty { pieces.append(.text(literal)) }
            literal = ""
            let action = String(chars[(i + 2)..<j]).split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            i = j + 2
            var words = action[...]
            let json = words.first == "json"
            if json { words = words.dropFirst() }
            guard words.count == 1, let path = words.first, path.hasPrefix(".") else {
                throw GoTemplate.Unsupported(action: action.joined(separator: " "))
            }
            let fields = path.dropFirst().split(separator: ".").map(String.init)
            guard fields.allSatisfy({ $0.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } }) else {
                throw GoTemplate.Unsupported(action: action.joined(separator: " "))
            }
            pieces.append(.field(fields, json: json))
        }
        if !literal.isEmpty { pieces.append(.text(literal)) }
        self.pieces = pieces
    }

    /// Renders `value` (any Encodable) through its JSON form, as Go renders
    /// the struct podman holds.
    func render<T: Encodable>(_ value: T) throws -> String {
        let data = try JSONEncoder().encode(value)
        let root = try JSONDecoder().decode(JSONValue.self, from: data)
        var out = ""
        for piece in pieces {
            switch piece {
            case .text(let text): out += text
            case .field(let path, let json):
                var node: JSONValue? = root
                for key in path { node = node?.member(key) }
                guard let node else { out += "<no value>"; continue }
                out += json ? node.json : node.plain
            }
        }
        return out
    }
}

/// Decoded JSON, for templates.
indirect enum JSONValue: Decodable {
    case null, bool(Bool), number(Double), string(String), array([JSONValue]), object([String: JSONValue])

    init(from decoder: Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let b = try? c.decode(Bool.self) { self = .bool(b) }
        else if let n = try? c.decode(Double.self) { self = .number(n) }
        else if let s = try? c.decode(String.self) { self = .string(s) }
        else if let a = try? c.decode([JSONValue].self) { self = .array(a) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func member(_ key: String) -> JSONValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    /// As Go's template prints it: numbers without a trailing .0, maps and
    /// lists in Go's own notation.
    var plain: String {
        switch self {
        case .null: return "<nil>"
        case .bool(let b): return String(b)
        case .number(let n): return n == n.rounded() && abs(n) < 1e15 ? String(Int64(n)) : String(n)
        case .string(let s): return s
        case .array(let items): return "[" + items.map(\.plain).joined(separator: " ") + "]"
        case .object(let members): return "map[" + members.keys.sorted().map { "\($0):\(members[$0]?.plain ?? "")" }.joined(separator: " ") + "]"
        }
    }

    var json: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return String(b)
        case .number: return plain
        case .string(let s):
            var out = "\""
            for scalar in s.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 {
                        let hex = String(scalar.value, radix: 16)
                        out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
            return out + "\""
        case .array(let items): return "[" + items.map(\.json).joined(separator: ",") + "]"
        case .object(let members): return "{" + members.keys.sorted().map { JSONValue.string($0).json + ":" + (members[$0]?.json ?? "null") }.joined(separator: ",") + "}"
        }
    }
}
