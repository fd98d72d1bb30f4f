import CSandbox
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// A blob being written: bytes are hashed as they are appended to a
/// temporary file, and `commit` renames it into place only if the digest is
/// right. A writer that is aborted, or a process that dies, leaves only a
/// temporary file that `image prune` removes.
public final class BlobWriter {
    let layout: StoreLayout
    let expected: Digest?
    let tmp: String
    private var fd: Int32
    private var hasher = SHA256()
    public private(set) var size: Int64 = 0
    private var flushed: Int64 = 0
    static let writebackChunk: Int64 = 8 << 20

    public init(layout: StoreLayout, expected: Digest?) throws(StoreError) {
        self.layout = layout
        self.expected = expected
        for dir in [layout.blobs, layout.tmp] where !FileSystem.makeDirectories(dir, mode: 0o700) {
            throw .io(path: dir, reason: String(cString: strerror(errno)))
        }
        tmp = layout.tmp + "/blob-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: tmp, reason: String(cString: strerror(errno))) }
    }

    deinit { abort() }

    public func append(_ bytes: UnsafeRawBufferPointer) throws(StoreError) {
        guard fd >= 0, let base = bytes.baseAddress else { return }
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
