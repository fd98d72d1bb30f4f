/// Byte-level tests for text that is ASCII by definition: syscall names,
/// hostnames, ids, passwd fields. `Character` properties consult Unicode
/// tables and grapheme breaking; on the `devbox run` hot path that cost more
/// than the work around it (measured with perf, see docs/ARCHITECTURE.md).
public enum ASCII {
    public static func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7a }
    public static func isLower(_ b: UInt8) -> Bool { b >= 0x61 && b <= 0x7a }
    public static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    public static func isAlphanumeric(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }

    /// Lines (or fields) of `text`, split on one byte, without grapheme
    /// breaking. Works on the UTF-8 buffer itself: the generic `split` is not
    /// specialized for String's views and resolves conformances at run time,
    /// which dominated parsing /etc/passwd and mountinfo in start-up profiles.
    public static func split(_ text: String, on byte: UInt8, keepEmpty: Bool = false) -> [String] {
        split(text, keepEmpty: keepEmpty) { $0 == byte }
    }

    /// Whether `needle` occurs in `bytes`: a plain byte search, with no
    /// String built per line.
    public static func contains(_ bytes: [UInt8], _ needle: String) -> Bool {
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return pattern.isEmpty }
        outer: for start in 0...(bytes.count - pattern.count) where bytes[start] == pattern[0] {
            for k in 1..<pattern.count where bytes[start + k] != pattern[k] { continue outer }
            return true
        }
        return false
    }

    /// Fields of `text` separated by runs of spaces, tabs or newlines.
    public static func words(_ text: String) -> [String] {
        split(text) { $0 == 0x20 || $0 == 0x09 || $0 == 0x0a }
    }

    public static func split(_ text: String, keepEmpty: Bool = false, where isSeparator: (UInt8) -> Bool) -> [String] {
        var text = text
        return text.withUTF8 { bytes in
            var parts: [String] = []
            var start = 0
            for i in 0..<bytes.count where isSeparator(bytes[i]) {
                if keepEmpty || i > start { parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self)) }
                start = i + 1
            }
            if keepEmpty || bytes.count > start {
                parts.append(String(decoding: UnsafeBufferPointer(rebasing: bytes[start...]), as: UTF8.self))
            }
            return parts
        }
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`.
    public static func hex(_ bytes: some Collection<UInt8>) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { out in
            var i = 0
            for b in bytes {
                out[i] = hexDigits[Int(b >> 4)]
                out[i + 1] = hexDigits[Int(b & 0x0f)]
                i += 2
            }
            return i
        }
    }
}

extension Array where Element == String {
    /// `joined(separator:)` for arrays of strings, concrete: the standard
    /// library's generic version resolves associated types at run time,
    /// which the start-up profile of `devbox run` showed.
    public func concatenated(separator: String = "") -> String {
        var out = ""
        for (i, part) in enumerated() {
            if i > 0 { out += separator }
            out += part
        }
        return out
    }
}
