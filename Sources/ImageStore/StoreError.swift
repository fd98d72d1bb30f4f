import OCI

public enum StoreError: Error, Equatable, CustomStringConvertible {
    case io(path: String, reason: String)
    case digestMismatch(expected: Digest, actual: Digest)
    case hostileEntry(layer: String, entry: String, reason: String)
    case corruptLayer(layer: String, reason: String)
    case notFound(String)
    case invalidDocument(String)
    case inUse(String)
    /// A message another devbox process (a layer unpacker) already worded.
    case reported(String)

    public var description: String {
        switch self {
        case .io(let path, let reason):
            return "cannot write \(path): \(reason); check free space and permissions of the store (--root)"
        case .digestMismatch(let expected, let actual):
            return "content does not match its digest: expected \(expected), got \(actual); the source is corrupt or tampered with, nothing was stored"
        case .hostileEntry(let layer, let entry, let reason):
            return "layer \(layer) refused: entry '\(entry)' \(reason); the image is malformed or hostile, nothing was stored"
        case .corruptLayer(let layer, let reason):
            return "layer \(layer) cannot be unpacked: \(reason); the archive is truncated or corrupt, nothing was stored"
        case .notFound(let ref):
            return "image '\(ref)' is not in the store; run `devbox images` to list images, or `devbox pull \(ref)`"
        case .invalidDocument(let reason):
            return "invalid image document: \(reason)"
        case .reported(let message):
            return message
        case .inUse(let ref):
            return "image '\(ref)' is used by a project's environment; remove that first"
        }
    }
}
