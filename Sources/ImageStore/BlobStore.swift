import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

public struct BlobWrite: Sendable {
    public var digest: Digest
    public var size: Int64
    /// False when the store already had this content.
    public var created: Bool
}

/// Content-addressed blobs: `blobs/sha256/<hex>`. A blob is hashed while it
/// is written to a temporary file and renamed into place only when its digest
/// is known (and matches, when one was expected), so the store never holds a
/// blob that fails its digest, even after a crash or a kill.
public struct BlobStore: Sendable {
    public let layout: StoreLayout

    public init(layout: StoreLayout) {
        self.layout = layout
    }

    public func contains(_ digest: Digest) -> Bool { FileSystem.exists(layout.blob(digest)) }

    /// Copies a file into the store.
    public func ingest(file path: String, expected: Digest? = nil) throws(StoreError) -> BlobWrite {
        let source = open(path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw .io(path: path, reason: String(cString: strerror(errno))) }
        defer { close(source) }
        return try write(expected: expected) { sink in
            var chunk = [UInt8](repeating: 0, count: 1 << 20)
            while true {
                let n = chunk.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                guard n >= 0 else { throw StoreError.io(path: path, reason: String(cString: strerror(errno))) }
                if n == 0 { break }
                try chunk.withUnsafeBytes { try sink(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            }
        }
    }

    public func put(_ bytes: [UInt8]) throws(StoreError) -> Digest {
        try write(expected: nil) { sink in try bytes.withUnsafeBytes { try sink($0) } }.digest
    }

    public func read(_ digest: Digest) throws(StoreError) -> [UInt8] {
        guard let text = FileSystem.readBytes(layout.blob(digest)) else { throw .notFound(digest.description) }
        return text
    }

    /// Streams bytes from `produce` into a new blob.
    public func write(expected: Digest?,
                      _ produce: ((UnsafeRawBufferPointer) throws -> Void) throws -> Void)
        throws(StoreError) -> BlobWrite {
        for dir in [layout.blobs, layout.tmp] where !FileSystem.makeDirectories(dir, mode: 0o700) {
            throw .io(path: dir, reason: String(cString: strerror(errno)))
        }
        let tmp = layout.tmp + "/blob-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io(path: tmp, reason: String(cString: strerror(errno))) }
        var hasher = SHA256()
        var size: Int64 = 0
        do {
            try produce { bytes in
                hasher.update(bytes)
                size += Int64(bytes.count)
                var offset = 0
                while offset < bytes.count {
                    let n = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 && errno == EINTR { continue }
                    guard n > 0 else { throw StoreError.io(path: tmp, reason: String(cString: strerror(errno))) }
                    offset += n
                }
            }
            guard fsync(fd) == 0 else { throw StoreError.io(path: tmp, reason: String(cString: strerror(errno))) }
        } catch {
            close(fd)
            unlink(tmp)
            throw (error as? StoreError) ?? .io(path: tmp, reason: "\(error)")
        }
        close(fd)
        let digest = hasher.finalize()
        if let expected, expected != digest {
            unlink(tmp)
            throw .digestMismatch(expected: expected, actual: digest)
        }
        if contains(digest) {
            unlink(tmp)
            return BlobWrite(digest: digest, size: size, created: false)
        }
        if rename(tmp, layout.blob(digest)) != 0 {
            let reason = String(cString: strerror(errno))
            unlink(tmp)
            throw .io(path: layout.blob(digest), reason: reason)
        }
        return BlobWrite(digest: digest, size: size, created: true)
    }
}
