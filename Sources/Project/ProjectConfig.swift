/// The parts of `devbox.toml` the run reads today: top-level string keys
/// (`image = "alpine:3.20"`). Tables (`[profile]`, ...) belong to later
/// features and are skipped here, not misread.
public struct ProjectConfig: Equatable, Sendable {
    public var image: String?

    public init(image: String? = nil) {
        self.image = image
    }

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case syntax(file: String, line: Int, text: String)
        public var description: String {
            switch self {
            case .syntax(let file, let line, let text):
                return "\(file):\(line): cannot read '\(text)'; write top-level settings as key = \"value\""
            }
        }
    }

    public static func parse(_ text: String, file: String) throws(ParseError) -> ProjectConfig {
        var config = ProjectConfig()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingWhitespace()
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("[") { break }
            guard let eq = line.firstIndex(of: "=") else { throw .syntax(file: file, line: index + 1, text: line) }
            let key = String(line[..<eq]).trimmingWhitespace()
            let value = String(line[line.index(after: eq)...]).trimmingWhitespace()
            // A basic string; whatever follows its closing quote is a comment.
            guard value.hasPrefix("\""), let close = value.dropFirst().firstIndex(of: "\"") else { continue }
            if key == "image" { config.image = String(value[value.index(after: value.startIndex)..<close]) }
        }
        return config
    }
}

extension StringProtocol {
    func trimmingWhitespace() -> String {
        String(drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed().drop { $0 == " " || $0 == "\t" || $0 == "\r" }.reversed())
    }
}
