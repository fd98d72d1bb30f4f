import OCI

public enum StoreError: Error, Equatable, CustomStringConvertible {
    /// Writing the store failed (the store's side).
    case io(path: String, reason: String)
    /// Reading what the user handed in failed (the input's side).
    case input(path: String, reason: String)
    case digestMismatch(expected: Digest, actual: Digest)
    /// What arrived is not the size the manifest or layout declared.
    case sizeMismatch(what: String, declared: Int64, received: Int64)
    /// A declared size no real image has (e.g. an image listed at 1000 TB).
    case absurdSize(what: String, declared: Int64, limit: Int64)
    /// A document with no declared size grew past what devbox reads.
    case tooLarge(what: String, limit: Int64)
    /// The declared sizes do not fit in the store's free space.
    case noSpace(needed: Int64, available: Int64, store: String)
    case hostileEntry(layer: String, entry: String, reason: String)
    case corruptLayer(layer: String, reason: String)
    case notFound(String)
    case invalidDocument(String)
    case inUse(String)
    /// The image was pruned between resolving its name and locking it.
    case removedMeanwhile(String)
    /// A usage problem with the command line (exit code 2).
    case usage(String)
    /// A message another devbox process (a layer unpacker) already worded.
    case reported(String)

    public var description: String {
        switch self {
        case .io(let path, let reason):
            return "cannot write \(path): \(reason); check free space and permissions of the store (--root)"
        case .input(let path, let reason):
            return "cannot read \(path): \(reason); check the path and that it is readable"
        case .digestMismatch(let expected, let actual):
            return "content does not match its digest: expected \(expected), got \(actual); the source is corrupt or tampered with, nothing was stored"
        case .sizeMismatch(let what, let declared, let received):
            let amount = received > declared ? "more than" : "only \(received) of"
            return "\(what) sent \(amount) the \(declared) bytes its descriptor declares; the source is corrupt or tampered with, nothing was stored"
        case .absurdSize(let what, let declared, let limit):
            return "\(what) declares \(declared) bytes, more than devbox accepts (\(limit)); the image is corrupt or hostile, nothing was stored"
        case .tooLarge(let what, let limit):
            return "\(what) is larger than the \(limit) bytes devbox accepts; the source is corrupt or hostile, nothing was stored"
        case .noSpace(let needed, let available, let store):
            return "the image declares \(needed) bytes but \(store) has \(available) bytes free; free some space (devbox image prune) or use another --root"
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
        case .removedMeanwhile(let ref):
            return "image '\(ref)' was removed (devbox image prune) while this run started; pull or load it again"
        case .usage(let message):
            return message
        }
    }

    /// 2 for a usage error, 1 for any other failure (docs/EXIT-CODES.md).
    public var exitCode: Int32 {
        if case .usage = self { return 2 }
        return 1
    }
}
