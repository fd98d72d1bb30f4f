import CNettle

/// Streaming sha256 from nettle: builds in seconds where swift-crypto adds
/// minutes to every clean build (PLATFORM-NOTES).
public struct SHA256 {
    private var context = sha256_ctx()

    public init() {
        nettle_sha256_init(&context)
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        nettle_sha256_update(&context, bytes.count, base.assumingMemoryBound(to: UInt8.self))
    }

    public mutating func update(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Hashes the string's UTF-8 bytes in place, without copying them out.
    public mutating func update(_ text: String) {
        var text = text
        text.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// The 32-byte digest.
    public mutating func finalizeBytes() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        nettle_sha256_digest(&context, 32, &out)
        return out
    }

    public mutating func finalizeHex() -> String {
        ASCII.hex(finalizeBytes())
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalizeHex()
    }
}
