import Project
import Testing

@Suite("the JSON-with-comments reader behind devcontainer.json")
struct JSONCReaderTests {
    /// The value tree without lines, for comparing shapes compactly.
    indirect enum Shape: Equatable {
        case object([String: Shape], order: [String])
        case array([Shape])
        case string(String)
        case number(String)
        case bool(Bool)
        case null

        init(_ value: JSONCValue) {
            switch value.kind {
            case .object(let members):
                var map: [String: Shape] = [:]
                for member in members { map[member.key] = Shape(member.value) }
                self = .object(map, order: members.map(\.key))
            case .array(let elements): self = .array(elements.map(Shape.init))
            case .string(let text): self = .string(text)
            case .number(let literal): self = .number(literal)
            case .bool(let flag): self = .bool(flag)
            case .null: self = .null
            }
        }
    }

    static func string(_ json: String) throws -> String? {
        guard case .string(let text) = try JSONCReader.read(json).kind else { return nil }
        return text
    }

    @Test("comment markers inside strings are text, not comments", arguments: [
        ("\"http://example.com\"", "http://example.com"),
        ("\"/* not a comment */\"", "/* not a comment */"),
        ("// a comment\n\"a//b\" // trailing", "a//b"),
        ("/* block \"quoted\" */ \"x\"", "x"),
        ("\"end */ here\"", "end */ here"),
    ])
    func commentsInStrings(json: String, text: String) throws {
        #expect(try Self.string(json) == text)
    }

    @Test("JSON escapes, \\u escapes and surrogate pairs decode to the characters they name", arguments: [
        (#""a\"b\\c\/d""#, "a\"b\\c/d"),
        (#""\b\f\n\r\t""#, "\u{8}\u{c}\n\r\t"),
        (#""\u00e9\u00E9""#, "éé"),
        (#""\ud83d\ude00""#, "😀"),
        (#""\u0000""#, "\u{0}"),
        ("\"naïve 日本\"", "naïve 日本"),
    ])
    func escapes(json: String, text: String) throws {
        #expect(try Self.string(json) == text)
    }

    @Test("trailing commas, a byte order mark and CRLF line endings are accepted")
    func leniency() throws {
        let json = "\u{FEFF}{\r\n  \"a\": [1, 2,],\r\n  \"b\": {\"c\": true,},\r\n}\r\n"
        let value = try JSONCReader.read(json)
        #expect(Shape(value) == .object(["a": .array([.number("1"), .number("2")]), "b": .object(["c": .bool(true)], order: ["c"])],
                                        order: ["a", "b"]))
        guard case .object(let members) = value.kind else { return }
        #expect(members.map(\.line) == [2, 3])
    }

    @Test("every value keeps its line, after line and block comments of several lines")
    func lines() throws {
        let json = """
        // header
        {
          /* a comment
             over three
             lines */
          "a": 1,
          "b": [
            "x", // one
            /* two */ "y"
          ],
          "c":
            null
        }
        """
        let value = try JSONCReader.read(json)
        guard case .object(let members) = value.kind else { Issue.record("not an object"); return }
        #expect(value.line == 2)
        #expect(members.map(\.line) == [6, 7, 11])
        #expect(members[2].value.line == 12)
        guard case .array(let elements) = members[1].value.kind else { Issue.record("not an array"); return }
        #expect(elements.map(\.line) == [8, 9])
    }

    @Test("a lone CR counts as a line break, as editors count it")
    func loneCR() {
        #expect(throws: JSONCSyntaxError(line: 3, message: "expected ',' or '}' after the value of \"a\", found '\"'")) {
            try JSONCReader.read("{\r\"a\": 1\r\"b\": 2}")
        }
    }

    @Test("a key given twice keeps its first place and its last value")
    func duplicates() throws {
        let value = try JSONCReader.read("{\"a\": 1, \"b\": 2, \"a\": 3}")
        #expect(Shape(value) == .object(["a": .number("3"), "b": .number("2")], order: ["a", "b"]))
    }

    @Test("numbers are kept as written, however large", arguments: ["0", "-1", "3.25", "1e400", "-0.5E-3",
                                                                    "123456789012345678901234567890"])
    func numbers(literal: String) throws {
        #expect(Shape(try JSONCReader.read(literal)) == .number(literal))
    }

    @Test("what is not JSON is an error on its line", arguments: [
        ("", 1, "no JSON value: the file is empty or holds only comments"),
        ("// only\n/* comments */\n", 3, "no JSON value: the file is empty or holds only comments"),
        ("{\n\"a\": \"open\n}", 2, "unterminated string (a string cannot span lines; write \\n for a line break)"),
        ("{\n\"a\": \"open", 2, "unterminated string"),
        ("{\n/* never\nclosed\n", 2, "unterminated /* comment"),
        ("{\"a\": 1\n\n", 1, "unterminated object: the '{' on line 1 is never closed"),
        ("[1,\n2", 1, "unterminated array: the '[' on line 1 is never closed"),
        ("{\"a\" 1}", 1, "expected ':' after the key \"a\", found '1'"),
        ("{a: 1}", 1, "expected a key in double quotes, found 'a'"),
        ("{\"a\": 'x'}", 1, "single-quoted strings are not JSON; use double quotes"),
        ("{\"a\": yes}", 1, "unexpected word 'yes'; strings need double quotes"),
        ("[1,,2]", 1, "expected a value, found ','"),
        ("[1 2]", 1, "expected ',' or ']' after an array element, found '2'"),
        ("{,}", 1, "expected a key in double quotes, found ','"),
        ("01", 1, "invalid number '01'"),
        ("1.", 1, "invalid number '1.'"),
        ("-", 1, "invalid number '-'"),
        ("0x1F", 1, "invalid number '0x1F'"),
        ("NaN", 1, "unexpected word 'NaN'; strings need double quotes"),
        ("{}\n{}", 2, "unexpected '{' after the end of the JSON value"),
        ("\"a\\qb\"", 1, "invalid escape '\\q' in a string; write \\\\ for a backslash"),
        ("\"\\u12\"", 1, "invalid \\u escape; write \\u and four hex digits"),
        ("\"\\ud800\"", 1, "unpaired surrogate \\ud800 in a string"),
        ("\"\\udc00\\ud800\"", 1, "unpaired surrogate \\udc00 in a string"),
        ("\"\\ud800\\u0041\"", 1, "unpaired surrogate \\ud800 in a string"),
        ("\"tab\there\"", 1, "control character 0x09 in a string; write it as an escape such as \\t or \\u0009"),
        ("\"nul\u{0}byte\"", 1, "control character 0x00 in a string; write it as an escape such as \\t or \\u0000"),
        ("{\"a\": 1 / 2}", 1, "unexpected '/'; comments start with // or /*"),
        ("{\"a\": “smart”}", 1, "expected a value, found '“'"),
    ])
    func errors(json: String, line: Int, message: String) {
        #expect(throws: JSONCSyntaxError(line: line, message: message)) { try JSONCReader.read(json) }
    }

    @Test("invalid UTF-8 in a string is an error on the string's line, not replaced text")
    func invalidUTF8() {
        var bytes = Array("{\n\"a\": \"x".utf8)
        bytes += [0xff, 0xfe]
        bytes += Array("\"}".utf8)
        #expect(throws: JSONCSyntaxError(line: 2, message: "invalid UTF-8 in a string")) { try JSONCReader.read(bytes: bytes) }
        #expect(throws: JSONCSyntaxError(line: 1, message: "expected a value, found byte 0xc3 (not UTF-8)")) {
            try JSONCReader.read(bytes: [0xc3])
        }
    }

    @Test("nesting up to the limit reads; one level deeper is refused, never a stack overflow")
    func depth() throws {
        let limit = JSONCReader.maxDepth
        _ = try JSONCReader.read(String(repeating: "[", count: limit) + String(repeating: "]", count: limit))
        _ = try JSONCReader.read(String(repeating: "{\"a\":", count: limit - 1) + "{}" + String(repeating: "}", count: limit - 1))
        #expect(throws: JSONCSyntaxError(line: 1, message: "nested deeper than \(limit) levels")) {
            try JSONCReader.read(String(repeating: "[", count: limit + 1) + String(repeating: "]", count: limit + 1))
        }
        #expect(throws: JSONCSyntaxError(line: 1, message: "nested deeper than \(limit) levels")) {
            try JSONCReader.read(String(repeating: "[{\"a\":", count: 100_000))
        }
    }

    @Test("a 10 MB string reads whole")
    func hugeString() throws {
        let big = String(repeating: "abcdefghij", count: 1_000_000)
        #expect(try Self.string("\"\(big)\"")?.utf8.count == 10_000_000)
    }
}
