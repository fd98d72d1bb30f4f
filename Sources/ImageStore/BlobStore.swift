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
        let writer = try BlobWriter(layout: layout, expected: expected)
        do {
            try produce { bytes in try writer.append(bytes) }
        } catch {
            writer.abort()
            throw (error as? StoreError) ?? .io(path: writer.tmp, reason: "\(error)")
        }
        return try writer.commit()
    }
}
