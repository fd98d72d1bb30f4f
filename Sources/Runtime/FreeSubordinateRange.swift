import Platform

/// A subordinate id range nobody owns yet, for `devbox doctor` to suggest:
/// two users sharing ids could enter each other's containers' files.
public enum FreeSubordinateRange {
    /// `useradd`'s defaults (SUB_UID_MIN, SUB_UID_COUNT in login.defs).
    public static let firstID: UInt64 = 100_000
    public static let size: UInt32 = 65536

    /// The lowest range of `size` ids from `firstID` on that overlaps no
    /// range in any of `files` (the texts of /etc/subuid and /etc/subgid,
    /// searched together so one range serves both).
    public static func find(in files: [String], size: UInt32 = size) -> IDRange? {
        var taken: [(start: UInt64, end: UInt64)] = []
        for text in files {
            for line in ASCII.split(text, on: UInt8(ascii: "\n")) where !line.hasPrefix("#") {
                let fields = ASCII.split(line, on: UInt8(ascii: ":"), keepEmpty: true)
                guard fields.count == 3, let start = UInt64(fields[1]), let count = UInt64(fields[2]), count > 0
                else { continue }
                taken.append((start, start + count))
            }
        }
        // Ranges sorted by start: a candidate pushed past one range can only
        // collide with ranges that start later.
        var candidate = firstID
        for range in taken.sorted(by: { $0.start < $1.start })
        where range.start < candidate + UInt64(size) && range.end > candidate {
            candidate = range.end
        }
        guard candidate + UInt64(size) - 1 <= UInt64(UInt32.max - 1) else { return nil }
        return IDRange(start: UInt32(candidate), count: size)
    }
}
