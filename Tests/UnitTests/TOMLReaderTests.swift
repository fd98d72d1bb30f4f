import Platform
import Testing

@Suite("the one TOML reader (profiles and devbox.toml)")
struct TOMLReaderTests {
    @Test("the TOML subset reads tables, strings, integers, booleans and arrays with their lines")
    func toml() throws {
        let entries = try TOMLReader.read("# c\na = \"x \\\"q\\\"\" # trailing\n\n[t]\nn = 42\nb = true\nl = [\"p\", \"q\",]\n")
        #expect(entries.map(\.path) == ["a", "t.n", "t.b", "t.l"])
        #expect(entries.map(\.line) == [2, 5, 6, 7])
        #expect(entries[0].value == .string("x \"q\""))
        #expect(entries[3].value == .array([.string("p"), .string("q")]))
    }

    @Test("literal strings, escapes and underscores in integers", arguments: [
        ("a = 'C:\\dir\\n'\n", TOMLValue.string("C:\\dir\\n")),
        ("a = \"tab\\there\\u00e9\\\\\"\n", .string("tab\there\u{e9}\\")),
        ("a = 1_000\n", .integer(1000)),
        ("a = -5\n", .integer(-5)),
        ("a = \"x\"\r\n", .string("x")),
    ])
    func values(text: String, value: TOMLValue) throws {
        #expect(try TOMLReader.read(text) == [TOMLEntry(table: "", key: "a", value: value, line: 1)])
    }

    @Test("table headers are reported with their lines, empty ones included")
    func tables() throws {
        let doc = try TOMLReader.document("a = 1\n[empty]\n\n[t]\nk = 2\n")
        #expect(doc.tables == [TOMLTable(name: "empty", line: 2), TOMLTable(name: "t", line: 4)])
        #expect(doc.entries.map(\.path) == ["a", "t.k"])
    }

    @Test("an array may span lines, with comments and a trailing comma; later lines keep their numbers")
    func multiLineArrays() throws {
        let text = "a = [\n  \"p\",  # first\n\n  # a whole-line comment\n  'q',\n]\nb = [\r\n1,\r\n2]\r\nc = true\n"
        let entries = try TOMLReader.read(text)
        #expect(entries.map(\.path) == ["a", "b", "c"])
        #expect(entries.map(\.line) == [1, 7, 10])
        #expect(entries[0].value == .array([.string("p"), .string("q")]))
        #expect(entries[1].value == .array([.integer(1), .integer(2)]))
    }

    @Test("a table header after a multi-line array is on its own line number")
    func tableAfterArray() throws {
        let doc = try TOMLReader.document("a = [\n1,\n]\n[t]\nk = [[1, 2], [\n3]]\n")
        #expect(doc.tables == [TOMLTable(name: "t", line: 4)])
        #expect(doc.entries.map(\.line) == [1, 5])
        #expect(doc.entries[1].value == .array([.array([.integer(1), .integer(2)]), .array([.integer(3)])]))
    }

    @Test("a very long array is read whole; arrays nested at the limit are fine")
    func largeArrays() throws {
        let items = (0..<50_000).map { "\"item\($0)\"" }.joined(separator: ",\n")
        let entries = try TOMLReader.read("a = [\n\(items)\n]\nb = 1\n")
        guard case .array(let values) = entries[0].value else { Issue.record("not an array"); return }
        #expect(values.count == 50_000)
        #expect(values.last == .string("item49999"))
        #expect(entries[1].line == 50_003)
        let deep = String(repeating: "[", count: 16) + String(repeating: "]", count: 16)
        #expect(try TOMLReader.read("a = \(deep)\n").count == 1)
    }

    @Test("a million open brackets is an error, not a stack overflow")
    func hostileNesting() {
        let text = "a = " + String(repeating: "[", count: 1_000_000)
        #expect(throws: TOMLSyntaxError(line: 1, message: "arrays nested more than 16 deep")) { try TOMLReader.read(text) }
    }

    @Test("what the reader does not understand is an error on its line", arguments: [
        ("a = \"x\na = 1\n", 1, "unterminated string"),
        ("[t\n", 1, "expected ] after [t"),
        ("\n\nk = 1\nk = 2\n", 4, "'k' is set twice"),
        ("x =\n", 1, "missing value"),
        ("a = \"\\x\"\n", 1, "unknown escape '\\x' in a string; write \\\\ for a backslash"),
        ("a = 1.5\n", 1, "unexpected text after the value"),
        ("a = 0x10\n", 1, "'0x10' is not a value; quote strings: \"0x10\""),
        ("a = 1__0\n", 1, "'1__0' is not a value; quote strings: \"1__0\""),
        ("a = 'open\n", 1, "unterminated string"),
        ("a = \"\"\"x\"\"\"\n", 1, "unexpected text after the value"),
        ("[[t]]\n", 1, "arrays of tables ([[...]]) are not supported"),
        ("[t]\n[t]\n", 2, "table [t] is declared twice"),
        ("a.b = 1\n", 1, "expected = after 'a'"),
        ("just words\n", 1, "expected = after 'just'"),
        ("a = [1, 2\n", 1, "array is not closed: no ] before the end of the file"),
        ("a = [\n  1,\n  2\n\nb = 3\n", 5, "expected , or ] in an array"),
        ("a = [1 2]\n", 1, "expected , or ] in an array"),
        ("a = [\n  \"x\n  \"y\"]\n", 2, "unterminated string"),
        ("a = ['x\n']\n", 1, "unterminated string"),
        ("a = [\n  1,\n  ,\n]\n", 3, "missing value"),
        ("a = { b = 1 }\n", 1, "inline tables ({...}) are not supported; use a [table]"),
        ("# a\u{0}b\na = 1\n", 1, "control character in a comment"),
        ("a = 1 # \u{1b}[31m\n", 1, "control character in a comment"),
        ("a = [ # \u{0}\n]\n", 1, "control character in a comment"),
        ("a = \"x\u{0}y\"\n", 1, "control character in a string; write it as an escape such as \\n"),
        ("a = 1\nb = [[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]\n", 2, "arrays nested more than 16 deep"),
        ("a = \"\\u0000\"\n", 1, "invalid \\u escape; use \\uXXXX with a Unicode scalar value other than 0"),
    ])
    func errors(text: String, line: Int, message: String) {
        #expect(throws: TOMLSyntaxError(line: line, message: message)) { try TOMLReader.read(text) }
    }
}
