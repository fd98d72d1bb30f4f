import CSyscalls
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// A blob being written: bytes are hashed as they are appended to a
/// temporary file, and `commit` renames it into place only if the digest is
/// right, and of the declared size: more bytes than declared stop the
/// transfer at once, fewer fail at the end. A writer that is aborted, or a
/// process that dies, leaves only a file in its session's scratch directory,
/// which the next store operation reclaims.
public final class BlobWriter {
    let layout: StoreLayout
    let expected: Digest?
    let declaredSize: Int64?
    /// Names the blob in messages ("layer 1a2b3c4d5e6f", "the config").
    let what: String
    let tmp: String
    private var fd: Int32
    private var hasher = SHA256()
    public private(set) var size: Int64 = 0
    private var flushed: Int64 = 0
    static let writebackChunk: Int64 = 8 << 20

    public init(layout: StoreLayout, expected: Digest?, declaredSize: Int64? = nil, what: String? = nil) throws(StoreError) {
        self.layout = layout
        self.expected = expected
        self.declaredSize = declaredSize
        self.what = what ?? expected.map { "blob \($0.short)" } ?? "a blob"
        let scratch = try layout.scratchDirectory()
        guard FileSystem.makeDirectories(layout.blobs, mode: 0o700) else {
            throw .io(path: layout.blobs, reason: String(cString: strerror(errno)))
        }
        tmp = scratch + "/blob-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: tmp, reason: String(cString: strerror(errno))) }
    }

    deinit { abort() }

    public func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        guard fd >= 0, let base = bytes.baseAddress else { return }
        if let declaredSize, size + Int64(bytes.count) > declaredSize {
            abort()
            throw .sizeMismatch(what: what, declared: declaredSize, received: size + Int64(bytes.count))
        }
        hasher.update(bytes)
        size += Int64(bytes.count)
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, base + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw .io(path: tmp, reason: String(cString: strerror(errno))) }
            offset += n
        }
        // Blobs are fsynced before they are published; pushing the data
        // out as it arrives keeps that fsync from stalling on the whole blob.
        if size - flushed >= Self.writebackChunk {
            _ = dbx_start_writeback(fd, flushed, size - flushed)
            flushed = size
        }
    }

    public func commit() throws(StoreError) -> BlobWrite {
        guard fd >= 0 else { throw .io(path: tmp, reason: "already finished") }
        if let declaredSize, size != declaredSize {
            abort()
            throw .sizeMismatch(what: what, declared: declaredSize, received: size)
        }
        let synced = fsync(fd) == 0
        close(fd)
        fd = -1
        guard synced else {
            unlink(tmp)
            throw .io(path: tmp, reason: String(cString: strerror(errno)))
        }
        let digest = hasher.finalize()
        if let expected, expected != digest {
            unlink(tmp)
            throw .digestMismatch(expected: expected, actual: digest)
        }
        if FileSystem.exists(layout.blob(digest)) {
            unlink(tmp)
            return BlobWrite(digest: digest, size: size, created: false)
        }
        guard rename(tmp, layout.blob(digest)) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw .io(path: layout.blob(digest), reason: reason)
        }
        return BlobWrite(digest: digest, size: size, created: true)
    }

    public func abort() {
        if fd >= 0 {
            close(fd)
            fd = -1
            unlink(tmp)
        }
    }
}
