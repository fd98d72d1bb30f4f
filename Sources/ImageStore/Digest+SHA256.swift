import OCI
import Platform

extension SHA256 {
    public mutating func finalize() -> Digest {
        Digest(computedHex: finalizeHex())
    }

    public static func digest(_ bytes: [UInt8]) -> Digest {
        var hasher = SHA256()
        hasher.update(bytes)
        return hasher.finalize()
    }
}
