import OCI
import Platform

extension SHA256 {
    /// Always 64 lowercase hex digits, so the digest is always valid.
    public mutating func finalize() -> Digest {
        Digest(hex: finalizeHex()) ?? Digest(hex: String(repeating: "0", count: 64))!
    }

    public static func digest(_ bytes: [UInt8]) -> Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
