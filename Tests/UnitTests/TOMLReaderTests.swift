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
        ("a = [1, 2\n", 1, "expected , or ] in an array (arrays must fit on one line)"),
        ("a = \"\\u0000\"\n", 1, "invalid \\u escape; use \\uXXXX with a Unicode scalar value other than 0"),
    ])
    func errors(text: String, line: Int, message: String) {
        #expect(throws: TOMLSyntaxError(line: line, message: message)) { try TOMLReader.read(text) }
    }
}
