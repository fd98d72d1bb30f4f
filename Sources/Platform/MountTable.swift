/// /proc/self/mountinfo, parsed once in one pass over its bytes: each
/// mount's point (unescaped) and filesystem type. Every `devbox run` reads
/// it (mount points for the host image, the store's filesystem); splitting
/// every line into a String per field cost more than the rest of reading
/// the host together (callgrind), and a developer's machine with Docker or
/// snaps has a hundred mounts or more.
public struct MountTable: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var point: String
        public var type: String

        public init(point: String, type: String) {
            self.point = point
            self.type = type
        }
    }

    public var entries: [Entry]

    public init(entries: [Entry]) {
        self.entries = entries
    }

    /// Lines without a mount point or a type (not the kernel's format) are skipped.
    public init(parsing text: String) {
        var text = text
        entries = text.withUTF8 { Self.parse($0) }
    }

    public static func current() -> MountTable {
        MountTable(parsing: FileSystem.read("/proc/self/mountinfo", limit: 4 << 20) ?? "")
    }

    public var mountPoints: [String] { entries.map { $0.point } }

    /// The filesystem type of the mount holding `path`: the longest mount
    /// point that is `path` or one of its ancestors (the last one mounted
    /// there when several are).
    public func filesystemType(of path: String) -> String? {
        var best: Entry?
        for entry in entries {
            let inside = entry.point == "/" || path == entry.point || path.hasPrefix(entry.point + "/")
            if inside, entry.point.utf8.count >= (best?.point.utf8.count ?? -1) { best = entry }
        }
        return best?.type
    }

    // "36 35 98:0 /root /mnt rw,noatime master:1 - ext4 /dev/sda1 rw": the
    // point is the fifth field; the type follows the lone "-" that ends the
    // optional fields.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> [Entry] {
        var entries: [Entry] = []
        let space = UInt8(ascii: " "), newline = UInt8(ascii: "\n"), dash = UInt8(ascii: "-")
        var i = 0
        while i < bytes.count {
            var field = 0
            var point: Range<Int>?
            var type: Range<Int>?
            var afterDash = false
            var start = i
            while i <= bytes.count {
                let end = i == bytes.count || bytes[i] == newline
                if end || bytes[i] == space {
                    if field == 4 { point = start..<i }
                    if afterDash, type == nil { type = start..<i }
                    if field > 4, i - start == 1, bytes[start] == dash { afterDash = true }
                    field += 1
                    start = i + 1
                    if end { break }
                }
                i += 1
            }
            i += 1
            guard let point, let type, !point.isEmpty, !type.isEmpty else { continue }
            entries.append(Entry(point: unescape(UnsafeBufferPointer(rebasing: bytes[point])),
                                 type: String(decoding: UnsafeBufferPointer(rebasing: bytes[type]), as: UTF8.self)))
        }
        return entries
    }

    /// The kernel writes space, tab, newline and backslash as \ooo.
    private static func unescape(_ field: UnsafeBufferPointer<UInt8>) -> String {
        guard field.contains(UInt8(ascii: "\\")) else { return String(decoding: field, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(field.count)
        var i = 0
        while i < field.count {
            if field[i] == UInt8(ascii: "\\"), i + 3 < field.count,
               let value = octal(field[i + 1], field[i + 2], field[i + 3]) {
                out.append(value)
                i += 4
            } else {
                out.append(field[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func octal(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8? {
        let zero = UInt8(ascii: "0"), seven = UInt8(ascii: "7")
        guard (zero...UInt8(ascii: "3")).contains(a), (zero...seven).contains(b), (zero...seven).contains(c) else { return nil }
        return (a - zero) << 6 | (b - zero) << 3 | (c - zero)
    }
}
