/// A range of subordinate ids.
public struct IDRange: Equatable, Sendable {
    public var start: UInt32
    public var count: UInt32

    public init(start: UInt32, count: UInt32) {
        self.start = start
        self.count = count
    }
}

/// /etc/subuid and /etc/subgid: `name-or-id:start:count` per line.
public enum SubordinateIDs {
    /// The first range for the user, matched by name or by numeric id.
    public static func range(in text: String, user: String?, id: UInt32) -> IDRange? {
        for line in ASCII.split(text, on: UInt8(ascii: "\n")) where !line.hasPrefix("#") {
            let fields = ASCII.split(line, on: UInt8(ascii: ":"), keepEmpty: true)
            guard fields.count == 3 else { continue }
            let owner = String(fields[0])
            guard owner == user || owner == String(id),
                  let start = UInt32(fields[1]), let count = UInt32(fields[2]), count > 0
            else { continue }
            return IDRange(start: start, count: count)
        }
        return nil
    }
}
