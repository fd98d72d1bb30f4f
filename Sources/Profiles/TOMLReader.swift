/// The TOML devbox's profiles use: `[table]` headers, `key = value` with
/// strings, integers, booleans and one-line arrays of those, `#` comments.
/// Every value remembers its line, so errors can say file:line and key.
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
}

public struct TOMLSyntaxError: Error, Equatable {
    public var line: Int
    public var message: String
}

public enum TOMLReader {
    public static func read(_ text: String) throws(TOMLSyntaxError) -> [TOMLEntry] {
        var entries: [TOMLEntry] = []
        var table = ""
        var seen = Set<String>()
        // Bytes, not Characters: no grapheme breaking on the hot path of a run.
        let lines = Array(text.utf8).split(separator: 10, omittingEmptySubsequences: false)
        for (index, raw) in lines.enumerated() {
            let line = index + 1
            var scanner = Scanner(Array(raw), line: line)
            scanner.skipSpace()
            if scanner.atEnd || scanner.peek == UInt8(ascii: "#") { continue }
            if scanner.peek == UInt8(ascii: "[") {
                scanner.advance()
                let name = try scanner.bareKey(dotted: true)
                scanner.skipSpace()
                guard scanner.take(UInt8(ascii: "]")) else { throw TOMLSyntaxError(line: line, message: "expected ] after [\(name)") }
                try scanner.expectEnd()
                table = name
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
            entries.append(TOMLEntry(table: table, key: key, value: value, line: line))
        }
        return entries
    }

    struct Scanner {
        let bytes: [UInt8]
        var i = 0
        let line: Int

        init(_ bytes: [UInt8], line: Int) {
            self.bytes = bytes
            self.line = line
        }

        var atEnd: Bool { i >= bytes.count }
        var peek: UInt8? { atEnd ? nil : bytes[i] }
        mutating func advance() { i += 1 }
        mutating func take(_ c: UInt8) -> Bool {
            if peek == c { i += 1; return true }
            return false
        }
        mutating func skipSpace() {
            while let c = peek, c == 32 || c == 9 || c == 13 { i += 1 }
        }
        func error(_ message: String) -> TOMLSyntaxError { TOMLSyntaxError(line: line, message: message) }

        mutating func expectEnd() throws(TOMLSyntaxError) {
            skipSpace()
            guard atEnd || peek == UInt8(ascii: "#") else { throw error("unexpected text after the value") }
        }

        mutating func key() throws(TOMLSyntaxError) -> String {
            if peek == UInt8(ascii: "\"") { return try string() }
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
            if c == UInt8(ascii: "[") {
                advance()
                var items: [TOMLValue] = []
                while true {
                    skipSpace()
                    if take(UInt8(ascii: "]")) { return .array(items) }
                    items.append(try value())
                    skipSpace()
                    if take(UInt8(ascii: ",")) { continue }
                    skipSpace()
                    guard take(UInt8(ascii: "]")) else { throw error("expected , or ] in an array (arrays must fit on one line)") }
                    return .array(items)
                }
            }
            let start = i
            while let c = peek, isBare(c) || c == UInt8(ascii: "+") { i += 1 }
            let word = String(decoding: bytes[start..<i], as: UTF8.self)
            if word == "true" { return .boolean(true) }
            if word == "false" { return .boolean(false) }
            if let n = Int64(word.filter { $0 != "_" }) { return .integer(n) }
            throw error(word.isEmpty ? "missing value" : "'\(word)' is not a value; quote strings: \"\(word)\"")
        }

        mutating func string() throws(TOMLSyntaxError) -> String {
            advance()  // opening quote
            var out: [UInt8] = []
            while let c = peek {
                advance()
                if c == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
                if c == UInt8(ascii: "\\"), let next = peek {
                    advance()
                    switch next {
                    case UInt8(ascii: "n"): out.append(10)
                    case UInt8(ascii: "t"): out.append(9)
                    default: out.append(next)
                    }
                } else {
                    out.append(c)
                }
            }
            throw error("unterminated string")
        }
    }
}
