/// The TOML devbox's files use (profiles, devbox.toml): `[table]` headers,
/// `key = value` with basic and literal strings, integers, booleans and
/// arrays of those (over several lines if need be), `#` comments. Every
/// value remembers its line, so errors can say file:line and key. It is the
/// only TOML reader in devbox: what it does not understand is an error,
/// never skipped, because a config file that is half read fails open.
public enum TOMLValue: Equatable, Sendable {
    case string(String)
    case integer(Int64)
    case boolean(Bool)
    case array([TOMLValue])
}

public struct TOMLEntry: Equatable, Sendable {
    public var table: String   // "" for the top level
    public var key: String
    public var value: TOMLValue
    public var line: Int

    public var path: String { table.isEmpty ? key : table + "." + key }

    public init(table: String, key: String, value: TOMLValue, line: Int) {
        self.table = table
        self.key = key
        self.value = value
        self.line = line
    }
}

/// A `[table]` header and its line: a table with no keys is still something
/// the reader's caller must accept or refuse.
public struct TOMLTable: Equatable, Sendable {
    public var name: String
    public var line: Int

    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }
}

public struct TOMLDocument: Equatable, Sendable {
    public var entries: [TOMLEntry] = []
    public var tables: [TOMLTable] = []
}

public struct TOMLSyntaxError: Error, Equatable {
    public var line: Int
    public var message: String

    public init(line: Int, message: String) {
        self.line = line
        self.message = message
    }
}

public enum TOMLReader {
    public static func read(_ text: String) throws(TOMLSyntaxError) -> [TOMLEntry] {
        try document(text).entries
    }

    public static func document(_ text: String) throws(TOMLSyntaxError) -> TOMLDocument {
        var document = TOMLDocument()
        var table = ""
        var seen = Set<String>()
        var seenTables = Set<String>()
        // Bytes, not Characters: no grapheme breaking on the hot path of a run.
        var scanner = Scanner(Array(text.utf8))
        while true {
            scanner.skipSpace()
            if scanner.atEnd { break }
            if scanner.take(10) { continue }
            if scanner.peek == UInt8(ascii: "#") {
                try scanner.expectEnd()
                continue
            }
            let line = scanner.line
            if scanner.take(UInt8(ascii: "[")) {
                guard scanner.peek != UInt8(ascii: "[") else { throw scanner.error("arrays of tables ([[...]]) are not supported") }
                scanner.skipSpace()
                let name = try scanner.bareKey(dotted: true)
                scanner.skipSpace()
                guard scanner.take(UInt8(ascii: "]")) else { throw TOMLSyntaxError(line: line, message: "expected ] after [\(name)") }
                try scanner.expectEnd()
                guard seenTables.insert(name).inserted else { throw TOMLSyntaxError(line: line, message: "table [\(name)] is declared twice") }
                table = name
                document.tables.append(TOMLTable(name: name, line: line))
                continue
            }
            let key = try scanner.key()
            scanner.skipSpace()
            guard scanner.take(UInt8(ascii: "=")) else { throw TOMLSyntaxError(line: line, message: "expected = after '\(key)'") }
            scanner.skipSpace()
            let value = try scanner.value()
            try scanner.expectEnd()
            let path = table.isEmpty ? key : table + "." + key
            guard seen.insert(path).inserted else { throw TOMLSyntaxError(line: line, message: "'\(path)' is set twice") }
            document.entries.append(TOMLEntry(table: table, key: key, value: value, line: line))
        }
        return document
    }

    /// Reads the whole text; `line` follows the newlines it passes. Outside
    /// an array a newline ends the statement; inside one it is only space.
    struct Scanner {
        let bytes: [UInt8]
        var i = 0
        var line = 1
        var depth = 0
        static let maxDepth = 16

        init(_ bytes: [UInt8]) {
            self.bytes = bytes
        }

        var atEnd: Bool { i >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[i] }
        mutating func advance() { i += 1 }
        mutating func take(_ c: UInt8) -> Bool {
            if peek == c {
                i += 1
                if c == 10 { line += 1 }
                return true
            }
            return false
        }
        mutating func skipSpace() {
            while let c = peek, c == 32 || c == 9 || c == 13 { i += 1 }
        }
        func error(_ message: String) -> TOMLSyntaxError { TOMLSyntaxError(line: line, message: message) }

        /// The rest of the line: nothing, or a comment, then the newline.
        mutating func expectEnd() throws(TOMLSyntaxError) {
            skipSpace()
            if peek == UInt8(ascii: "#") { try skipComment() }
            guard atEnd || take(10) else { throw error("unexpected text after the value") }
        }

        /// TOML forbids control characters other than tab in comments too:
        /// a NUL hidden in a comment is a file that was not written by hand.
        mutating func skipComment() throws(TOMLSyntaxError) {
            while let c = peek, c != 10 {
                guard c >= 32 || c == 9 || c == 13 else { throw error("control character in a comment") }
                advance()
            }
        }

        /// Between the items of an array: spaces, newlines and comments.
        mutating func skipArraySpace() throws(TOMLSyntaxError) {
            while true {
                skipSpace()
                if take(10) { continue }
                if peek == UInt8(ascii: "#") {
                    try skipComment()
                    continue
                }
                return
            }
        }

        mutating func key() throws(TOMLSyntaxError) -> String {
            if peek == UInt8(ascii: "\"") { return try string() }
            if peek == UInt8(ascii: "'") { return try literalString() }
            return try bareKey(dotted: false)
        }

        mutating func bareKey(dotted: Bool) throws(TOMLSyntaxError) -> String {
            let start = i
            while let c = peek, isBare(c) || (dotted && c == UInt8(ascii: ".")) { i += 1 }
            guard i > start else { throw error("expected a key") }
            return String(decoding: bytes[start..<i], as: UTF8.self)
        }

        func isBare(_ c: UInt8) -> Bool {
            (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45
        }

        mutating func value() throws(TOMLSyntaxError) -> TOMLValue {
            guard let c = peek else { throw error("missing value") }
            if c == UInt8(ascii: "\"") { return .string(try string()) }
            if c == UInt8(ascii: "'") { return .string(try literalString()) }
            if c == UInt8(ascii: "[") { return try array() }
            if c == UInt8(ascii: "{") { throw error("inline tables ({...}) are not supported; use a [table]") }
            let start = i
            while let c = peek, isBare(c) || c == UInt8(ascii: "+") { i += 1 }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            if let n = integer(word) { return .integer(n) }
            throw error(word.isEmpty ? "missing value" : "'\(word)' is not a value; quote strings: \"\(word)\"")
        }

        /// `[a, b,]`, over as many lines as it likes, comments between items.
        mutating func array() throws(TOMLSyntaxError) -> TOMLValue {
            let opened = line
            // Each level is a stack frame: a file of a million `[` must be an error, not a crash.
            guard depth < Scanner.maxDepth else { throw error("arrays nested more than \(Scanner.maxDepth) deep") }
            depth += 1
            defer { depth -= 1 }
            advance()
            var items: [TOMLValue] = []
            while true {
                try skipArraySpace()
                if take(UInt8(ascii: "]")) { return .array(items) }
                guard !atEnd else { throw TOMLSyntaxError(line: opened, message: "array is not closed: no ] before the end of the file") }
                items.append(try value())
                try skipArraySpace()
                if take(UInt8(ascii: ",")) { continue }
                if take(UInt8(ascii: "]")) { return .array(items) }
                guard !atEnd else { throw TOMLSyntaxError(line: opened, message: "array is not closed: no ] before the end of the file") }
                throw error("expected , or ] in an array")
            }
        }

        /// Decimal integers, `_` allowed only between digits (TOML's rule).
        func integer(_ word: String) -> Int64? {
            let digits = Array(word.utf8.drop { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "-") })
            guard word.utf8.count - digits.count <= 1, let first = digits.first, let last = digits.last,
                  first != UInt8(ascii: "_"), last != UInt8(ascii: "_") else { return nil }
            for (a, b) in zip(digits, digits.dropFirst()) where a == UInt8(ascii: "_") && b == UInt8(ascii: "_") { return nil }
            return Int64(word.filter { $0 != "_" })
        }

        mutating func string() throws(TOMLSyntaxError) -> String {
            advance()  // opening quote
            var out: [UInt8] = []
            // A string ends on its own line: a newline before the closing quote is an unterminated string.
            while let c = peek, c != 10 {
                advance()
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\") {
                    guard let next = peek else { break }
                    advance()
                    switch next {
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "t"): out.append(9)
                    case UInt8(ascii: "r"): out.append(13)
                    case UInt8(ascii: "b"): out.append(8)
                    case UInt8(ascii: "f"): out.append(12)
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.append(next)
                    case UInt8(ascii: "u"), UInt8(ascii: "U"):
                        out += try unicodeEscape(length: next == UInt8(ascii: "u") ? 4 : 8)
                    default:
                        // TOML reserves the other escapes: guessing would read a different string than the author meant.
                        throw error("unknown escape '\\\(String(decoding: [next], as: UTF8.self))' in a string; write \\\\ for a backslash")
                    }
                } else if c < 32 && c != 9 {
                    throw error("control character in a string; write it as an escape such as \\n")
                } else {
                    out.append(c)
                }
            }
            throw error("unterminated string")
        }

        mutating func unicodeEscape(length: Int) throws(TOMLSyntaxError) -> [UInt8] {
            guard i + length <= bytes.count,
                  let code = UInt32(String(decoding: bytes[i..<(i + length)], as: UTF8.self), radix: 16),
                  let scalar = Unicode.Scalar(code), code != 0 else {
                throw error("invalid \\u escape; use \\uXXXX with a Unicode scalar value other than 0")
            }
            i += length
            return Array(String(Character(scalar)).utf8)
        }

        /// 'literal': no escapes at all, as TOML defines it.
        mutating func literalString() throws(TOMLSyntaxError) -> String {
            advance()
            let start = i
            while let c = peek, c != UInt8(ascii: "'"), c != 10 {
                guard c >= 32 || c == 9 else { throw error("control character in a string") }
                advance()
            }
            guard peek == UInt8(ascii: "'") else { throw error("unterminated string") }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            advance()
            return text
        }
    }
}
