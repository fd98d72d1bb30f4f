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

    /// Copies a file (`-`: standard input) into the store. Errors reading it
    /// name the input; errors writing name the store.
    public func ingest(file path: String, expected: Digest? = nil, declaredSize: Int64? = nil,
                       what: String? = nil) throws(StoreError) -> BlobWrite {
        let source = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw .input(path: path, reason: String(cString: strerror(errno))) }
        defer { if source != 0 { close(source) } }
        var st = stat()
        if fstat(source, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
            throw .input(path: path, reason: "is a directory")
        }
        let writer = try BlobWriter(layout: layout, expected: expected, declaredSize: declaredSize, what: what)
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                writer.abort()
                throw .input(path: path == "-" ? "standard input" : path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            let failure = chunk.withUnsafeBytes { all -> StoreError? in
                do throws(StoreError) { try writer.append(UnsafeRawBufferPointer(rebasing: all[0..<n])) } catch { return error }
                return nil
            }
            if let failure { throw failure }
        }
        return try writer.commit()
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
