import Platform

/// JSON with comments, as VS Code and the devcontainers CLI read
/// devcontainer.json: `//` and `/* */` comments, trailing commas in arrays
/// and objects, a UTF-8 byte order mark. Everything else is plain JSON
/// (RFC 8259): double-quoted strings and keys, no NaN, no hex numbers.
///
/// Hand-written rather than JSONSerialization because every value must keep
/// its line for file:line errors, and because the file is hostile input as
/// far as the reader knows: nesting is capped (the reader recurses once per
/// level), strings must be valid UTF-8, and nothing in the input can trap.
public enum JSONCReader {
    /// Real files nest 4 or 5 levels; 64 leaves room and keeps the stack small.
    public static let maxDepth = 64

    public static func read(_ text: String) throws(JSONCSyntaxError) -> JSONCValue {
        try read(bytes: Array(text.utf8))
    }

    public static func read(bytes: [UInt8]) throws(JSONCSyntaxError) -> JSONCValue {
        var scanner = JSONCScanner(bytes)
        return try scanner.document()
    }
}

private struct JSONCScanner {
    let bytes: [UInt8]
    var i = 0
    var line = 1

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
    }

    mutating func document() throws(JSONCSyntaxError) -> JSONCValue {
        try skipTrivia()
        guard i < bytes.count else { throw failure("no JSON value: the file is empty or holds only comments") }
        let result = try value(depth: 0)
        try skipTrivia()
        guard i == bytes.count else { throw failure("unexpected \(found()) after the end of the JSON value") }
        return result
    }

    /// A value starting at `i` (trivia already skipped).
    mutating func value(depth: Int) throws(JSONCSyntaxError) -> JSONCValue {
        guard i < bytes.count else { throw failure("unexpected end of file; expected a value") }
        let start = line
        switch bytes[i] {
        case UInt8(ascii: "{"): return try object(depth: depth + 1)
        case UInt8(ascii: "["): return try array(depth: depth + 1)
        case UInt8(ascii: "\""): return JSONCValue(.string(try string()), line: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return JSONCValue(.number(try number()), line: start)
        default: return JSONCValue(try literal(), line: start)
        }
    }

    mutating func object(depth: Int) throws(JSONCSyntaxError) -> JSONCValue {
        guard depth <= JSONCReader.maxDepth else { throw failure("nested deeper than \(JSONCReader.maxDepth) levels") }
        let start = line
        i += 1
        var members: [JSONCMember] = []
        var index: [String: Int] = [:]
        try skipTrivia()
        if peek(UInt8(ascii: "}")) {
            i += 1
            return JSONCValue(.object(members), line: start)
        }
        while true {
            guard i < bytes.count else { throw failure("unterminated object: the '{' on line \(start) is never closed", line: start) }
            guard bytes[i] == UInt8(ascii: "\"") else { throw failure("expected a key in double quotes, found \(found())") }
            let keyLine = line
            let key = try string()
            try skipTrivia()
            guard peek(UInt8(ascii: ":")) else { throw failure("expected ':' after the key \"\(key)\", found \(found())") }
            i += 1
            try skipTrivia()
            let member = JSONCMember(key: key, value: try value(depth: depth), line: keyLine)
            if let earlier = index[key] {
                members[earlier] = member
            } else {
                index[key] = members.count
                members.append(member)
            }
            try skipTrivia()
            if peek(UInt8(ascii: ",")) {
                i += 1
                try skipTrivia()
                if peek(UInt8(ascii: "}")) { break }  // a trailing comma
                continue
            }
            if peek(UInt8(ascii: "}")) { break }
            guard i < bytes.count else { throw failure("unterminated object: the '{' on line \(start) is never closed", line: start) }
            throw failure("expected ',' or '}' after the value of \"\(key)\", found \(found())")
        }
        i += 1
        return JSONCValue(.object(members), line: start)
    }

    mutating func array(depth: Int) throws(JSONCSyntaxError) -> JSONCValue {
        guard depth <= JSONCReader.maxDepth else { throw failure("nested deeper than \(JSONCReader.maxDepth) levels") }
        let start = line
        i += 1
        var elements: [JSONCValue] = []
        try skipTrivia()
        if peek(UInt8(ascii: "]")) {
            i += 1
            return JSONCValue(.array(elements), line: start)
        }
        while true {
            guard i < bytes.count else { throw failure("unterminated array: the '[' on line \(start) is never closed", line: start) }
            elements.append(try value(depth: depth))
            try skipTrivia()
            if peek(UInt8(ascii: ",")) {
                i += 1
                try skipTrivia()
                if peek(UInt8(ascii: "]")) { break }  // a trailing comma
                continue
            }
            if peek(UInt8(ascii: "]")) { break }
            guard i < bytes.count else { throw failure("unterminated array: the '[' on line \(start) is never closed", line: start) }
            throw failure("expected ',' or ']' after an array element, found \(found())")
        }
        i += 1
        return JSONCValue(.array(elements), line: start)
    }

    /// A string starting at its opening quote. Plain runs are copied in one
    /// piece, so a 10 MB string costs one pass.
    mutating func string() throws(JSONCSyntaxError) -> String {
        let start = line
        i += 1
        var out: [UInt8] = []
        var run = i
        while true {
            guard i < bytes.count else { throw failure("unterminated string", line: start) }
            let b = bytes[i]
            if b == UInt8(ascii: "\"") {
                out.append(contentsOf: bytes[run..<i])
                i += 1
                break
            }
            if b == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[run..<i])
                try escape(into: &out)
                run = i
                continue
            }
            if b == 0x0a || b == 0x0d {
                throw failure("unterminated string (a string cannot span lines; write \\n for a line break)", line: start)
            }
            if b < 0x20 {
                throw failure("control character \(hexByte(b)) in a string; write it as an escape such as \\t or \\u00\(hexDigits(b))")
            }
            i += 1
        }
        guard let text = String(validating: out, as: UTF8.self) else { throw failure("invalid UTF-8 in a string", line: start) }
        return text
    }

    /// The escape at `i` (a backslash), appended as UTF-8.
    mutating func escape(into out: inout [UInt8]) throws(JSONCSyntaxError) {
        i += 1
        guard i < bytes.count else { throw failure("unterminated string") }
        let simple: UInt8?
        switch bytes[i] {
        case UInt8(ascii: "\""): simple = 0x22
        case UInt8(ascii: "\\"): simple = 0x5c
        case UInt8(ascii: "/"): simple = 0x2f
        case UInt8(ascii: "b"): simple = 0x08
        case UInt8(ascii: "f"): simple = 0x0c
        case UInt8(ascii: "n"): simple = 0x0a
        case UInt8(ascii: "r"): simple = 0x0d
        case UInt8(ascii: "t"): simple = 0x09
        case UInt8(ascii: "u"): simple = nil
        default:
            throw failure("invalid escape '\\\(printable(bytes[i]))' in a string; write \\\\ for a backslash")
        }
        if let simple {
            out.append(simple)
            i += 1
            return
        }
        var unit = try hex4()
        if (0xDC00...0xDFFF).contains(unit) {
            throw failure("unpaired surrogate \\u\(hex16(unit)) in a string")
        }
        if (0xD800...0xDBFF).contains(unit) {
            // UTF-16 surrogate pair: JSON spells characters beyond U+FFFF as two escapes.
            guard i + 1 < bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else {
                throw failure("unpaired surrogate \\u\(hex16(unit)) in a string")
            }
            i += 1
            let low = try hex4()
            guard (0xDC00...0xDFFF).contains(low) else { throw failure("unpaired surrogate \\u\(hex16(unit)) in a string") }
            unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(unit) else { throw failure("invalid \\u escape in a string") }
        UTF8.encode(scalar) { out.append($0) }
    }

    /// `uXXXX` at `i`: the four hex digits' value.
    mutating func hex4() throws(JSONCSyntaxError) -> UInt32 {
        guard i + 4 < bytes.count else { throw failure("invalid \\u escape; write \\u and four hex digits") }
        var value: UInt32 = 0
        for k in 1...4 {
            let b = bytes[i + k]
            let digit: UInt8
            switch b {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = b - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = b - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = b - UInt8(ascii: "A") + 10
            default: throw failure("invalid \\u escape; write \\u and four hex digits")
            }
            value = value << 4 | UInt32(digit)
        }
        i += 5
        return value
    }

    /// A number, checked against JSON's grammar and returned as written.
    mutating func number() throws(JSONCSyntaxError) -> String {
        let start = i
        if peek(UInt8(ascii: "-")) { i += 1 }
        if peek(UInt8(ascii: "0")) {
            i += 1
        } else if i < bytes.count, ASCII.isDigit(bytes[i]) {
            skipDigits()
        } else {
            throw invalidNumber(from: start)
        }
        if peek(UInt8(ascii: ".")) {
            i += 1
            guard i < bytes.count, ASCII.isDigit(bytes[i]) else { throw invalidNumber(from: start) }
            skipDigits()
        }
        if peek(UInt8(ascii: "e")) || peek(UInt8(ascii: "E")) {
            i += 1
            if peek(UInt8(ascii: "+")) || peek(UInt8(ascii: "-")) { i += 1 }
            guard i < bytes.count, ASCII.isDigit(bytes[i]) else { throw invalidNumber(from: start) }
            skipDigits()
        }
        if i < bytes.count, isWordByte(bytes[i]) { throw invalidNumber(from: start) }
        return String(decoding: bytes[start..<i], as: UTF8.self)
    }

    mutating func skipDigits() {
        while i < bytes.count, ASCII.isDigit(bytes[i]) { i += 1 }
    }

    func invalidNumber(from start: Int) -> JSONCSyntaxError {
        failure("invalid number '\(word(from: start))'")
    }

    /// true, false or null; any other bare word is the commonest slip (an unquoted string).
    mutating func literal() throws(JSONCSyntaxError) -> JSONCValue.Kind {
        let text = word(from: i)
        switch text {
        case "true": i += 4; return .bool(true)
        case "false": i += 5; return .bool(false)
        case "null": i += 4; return .null
        case "" where peek(UInt8(ascii: "'")): throw failure("single-quoted strings are not JSON; use double quotes")
        case "": throw failure("expected a value, found \(found())")
        default: throw failure("unexpected word '\(text)'; strings need double quotes")
        }
    }

    /// Spaces, line breaks (LF, CRLF or a lone CR, as editors count them) and comments.
    mutating func skipTrivia() throws(JSONCSyntaxError) {
        while i < bytes.count {
            switch bytes[i] {
            case 0x20, 0x09:
                i += 1
            case 0x0a, 0x0d:
                newline()
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/"):
                while i < bytes.count, bytes[i] != 0x0a, bytes[i] != 0x0d { i += 1 }
            case UInt8(ascii: "/") where i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "*"):
                let start = line
                i += 2
                while true {
                    guard i < bytes.count else { throw failure("unterminated /* comment", line: start) }
                    if bytes[i] == UInt8(ascii: "*"), i + 1 < bytes.count, bytes[i + 1] == UInt8(ascii: "/") {
                        i += 2
                        break
                    }
                    if bytes[i] == 0x0a || bytes[i] == 0x0d { newline() } else { i += 1 }
                }
            case UInt8(ascii: "/"):
                throw failure("unexpected '/'; comments start with // or /*")
            default:
                return
            }
        }
    }

    /// Steps over one line break at `i`.
    mutating func newline() {
        if bytes[i] == 0x0d, i + 1 < bytes.count, bytes[i + 1] == 0x0a { i += 1 }
        i += 1
        line += 1
    }

    func peek(_ byte: UInt8) -> Bool {
        i < bytes.count && bytes[i] == byte
    }

    func isWordByte(_ b: UInt8) -> Bool {
        ASCII.isAlphanumeric(b) || b == UInt8(ascii: ".") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "_")
    }

    /// The run of word bytes from `start`, for messages (at most 40 bytes).
    func word(from start: Int) -> String {
        var end = start
        while end < bytes.count, end - start < 40, isWordByte(bytes[end]) { end += 1 }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// What is at `i`, for "expected X, found Y".
    func found() -> String {
        guard i < bytes.count else { return "the end of the file" }
        let b = bytes[i]
        if b >= 0x20 && b < 0x7f { return "'\(printable(b))'" }
        if b < 0x80 { return "control character \(hexByte(b))" }
        // A character pasted from a word processor (“smart quotes”) is the usual case.
        let length = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1
        if i + length <= bytes.count, let text = String(validating: bytes[i..<(i + length)], as: UTF8.self) {
            return "'\(text)'"
        }
        return "byte \(hexByte(b)) (not UTF-8)"
    }

    func printable(_ b: UInt8) -> String {
        b >= 0x20 && b < 0x7f ? String(UnicodeScalar(b)) : hexByte(b)
    }

    func hexByte(_ b: UInt8) -> String { "0x" + hexDigits(b) }

    func hexDigits(_ b: UInt8) -> String { ASCII.hex([b]) }

    func hex16(_ unit: UInt32) -> String { ASCII.hex([UInt8(truncatingIfNeeded: unit >> 8), UInt8(truncatingIfNeeded: unit)]) }

    func failure(_ message: String, line: Int? = nil) -> JSONCSyntaxError {
        JSONCSyntaxError(line: line ?? self.line, message: message)
    }
}
