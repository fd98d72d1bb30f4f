import Platform
import CArchive
import OCI

/// The digest of a layer's uncompressed tar stream (config.rootfs.diff_ids):
/// libarchive's raw format hands back the decompressed bytes.
enum DiffID {
    static func compute(blob path: String, name: String) throws(StoreError) -> Digest {
        guard let reader = archive_read_new() else { throw .io(path: path, reason: "out of memory") }
        defer { archive_read_free(reader) }
        archive_read_support_filter_gzip(reader)
        archive_read_support_filter_zstd(reader)
        archive_read_support_format_raw(reader)
        var entry: OpaquePointer?
        guard archive_read_open_filename(reader, path, 1 << 20) == ARCHIVE_OK,
              archive_read_next_header(reader, &entry) == ARCHIVE_OK
        else { throw .corruptLayer(layer: name, reason: archive_error_string(reader).map { String(cString: $0) } ?? "unreadable") }
        var hasher = SHA256()
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { archive_read_data(reader, $0.baseAddress, $0.count) }
            if n == 0 { break }
            guard n > 0 else { throw .corruptLayer(layer: name, reason: archive_error_string(reader).map { String(cString: $0) } ?? "unreadable") }
            buffer.withUnsafeBytes { hasher.update(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        }
        return hasher.finalize()
    }
}
