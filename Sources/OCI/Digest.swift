/// A content digest, `algorithm:hex` (image-spec descriptor.md#digests).
/// Only sha256 is accepted: it is what every registry and tool produces.
public struct Digest: Codable, Hashable, Sendable, CustomStringConvertible, Comparable {
    public let hex: String

    public init?(_ text: String) {
        guard text.hasPrefix("sha256:") else { return nil }
        let hex = String(text.dropFirst(7))
        guard hex.utf8.count == 64, hex.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        self.hex = hex
    }

    public init?(hex: String) {
        self.init("sha256:" + hex)
    }

    /// For hex digits devbox computed itself (a sha256 it just finished).
    public init(computedHex hex: String) {
        precondition(hex.utf8.count == 64, "a sha256 is 64 hex digits")
        self.hex = hex
    }

    public var description: String { "sha256:" + hex }
    public var short: String { String(hex.prefix(12)) }

    public init(from decoder: Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let digest = Digest(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "invalid digest '\(text)'"))
        }
        self = digest
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.hex < rhs.hex }
}
