import Platform

/// user.name and user.email from a ~/.gitconfig: the harmless part of the
/// developer's git identity (the rest of the file may hold credentials).
/// A small reader: `[user]` section, `key = value`, quotes and comments;
/// includes are not followed.
enum GitAuthor {
    static func read(_ text: String) -> [(key: String, value: String)] {
        var section = ""
        var found: [String: String] = [:]
        for raw in ASCII.split(text, on: UInt8(ascii: "\n")) {
            let line = raw.trimmed
            if line.hasPrefix("[") {
                section = line.dropFirst().prefix { $0 != "]" && $0 != " " && $0 != "\"" }.lowercased()
                continue
            }
            guard section == "user", let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmed.lowercased()
            guard key == "name" || key == "email" else { continue }
            var value = line[line.index(after: eq)...].trimmed
            if value.hasPrefix("\""), let close = value.dropFirst().firstIndex(of: "\"") {
                value = String(value[value.index(after: value.startIndex)..<close])
            } else if let comment = value.firstIndex(where: { $0 == "#" || $0 == ";" }) {
                value = value[..<comment].trimmed
            }
            // Values that would need git's escapes, or hold control bytes, are left out.
            guard !value.isEmpty, !value.contains("\\"), !value.utf8.contains(where: { $0 < 32 }) else { continue }
            found["user." + key] = value
        }
        return ["user.name", "user.email"].compactMap { key in found[key].map { (key, $0) } }
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    fileprivate var trimmed: String {
        let isBlank: (Character) -> Bool = { $0 == " " || $0 == "\t" || $0 == "\r" }
        guard let start = firstIndex(where: { !isBlank($0) }), let end = lastIndex(where: { !isBlank($0) }) else { return "" }
        return String(self[start...end])
    }
}
