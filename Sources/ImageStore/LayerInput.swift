import CArchive
import CDeflate
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Where libarchive reads a layer from. Inflating gzip was the largest
/// single cost of a pull (zlib does about 100 MB/s of output here); a layer
/// whose compressed bytes fit in memory is inflated whole by libdeflate,
/// about three times faster, and libarchive reads the tar from memory.
/// Anything else (zstd, plain tar, a layer too large for memory, a stream
/// arriving slower than zlib would consume it) goes to libarchive as bytes,
/// which decompresses as they come.
enum LayerInput {
    /// The tar, inflated.
    case memory(MappedBuffer)
    /// Compressed bytes: those already read, then the rest of `fd`.
    case stream(prefix: MappedBuffer?, fd: Int32)
    case file(String)

    /// When a layer is inflated in memory rather than streamed.
    struct Limits {
        /// Compressed layers up to this size are read into memory whole.
        var compressed = 256 << 20
        /// Inflated layers up to this size (or a quarter of the memory
        /// available, whichever is less) are made in memory.
        var inflated = 1 << 30
        /// A stream slower than this (bytes/s, after its first second) is
        /// handed to libarchive as it arrives: zlib keeps up with it, so
        /// inflating after the download would only add time.
        var slowStream = 32 << 20

        static let standard = Limits()

        /// Both bounds shrink with the memory available: two layers unpack
        /// side by side, each holding its compressed and inflated bytes.
        var compressedCapacity: Int { min(compressed, LayerInput.availableMemory() / 8) }
        var inflatedCapacity: Int { min(inflated, LayerInput.availableMemory() / 4) }
    }

    /// Reads a layer from a pipe: whole into memory while that pays (see
    /// above), else as a stream from the bytes read so far.
    static func receive(_ fd: Int32, limits: Limits = .standard) -> LayerInput {
        guard let buffer = MappedBuffer(capacity: limits.compressedCapacity) else { return .stream(prefix: nil, fd: fd) }
        let start = monotonicSeconds()
        while true {
            guard buffer.count < buffer.capacity else { return .stream(prefix: buffer, fd: fd) }
            let n = read(fd, buffer.base + buffer.count, buffer.capacity - buffer.count)
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return .stream(prefix: buffer, fd: fd) }  // libarchive reports the read error
            if n == 0 { break }
            buffer.count += n
            if buffer.count >= 2, !GzipMembers.starts(buffer.bytes) { return .stream(prefix: buffer, fd: fd) }
            let elapsed = monotonicSeconds() - start
            if elapsed > 1, Double(buffer.count) / elapsed < Double(limits.slowStream) { return .stream(prefix: buffer, fd: fd) }
        }
        if let tar = GzipMembers.inflate(buffer.bytes, limit: limits.inflatedCapacity) { return .memory(tar) }
        return .stream(prefix: buffer, fd: fd)
    }

    /// A stored blob: inflated into memory when it is gzip and fits.
    static func load(_ path: String, limits: Limits = .standard) -> LayerInput {
        let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return .file(path) }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_size >= 2, st.st_size <= limits.compressedCapacity,
              let blob = MappedBuffer(file: fd, size: Int(st.st_size)),
              GzipMembers.starts(blob.bytes),
              let tar = GzipMembers.inflate(blob.bytes, limit: limits.inflatedCapacity) else { return .file(path) }
        return .memory(tar)
    }

    /// Opens `reader` on this input; returns libarchive's status.
    func open(_ reader: OpaquePointer, context: inout StreamContext?) -> Int32 {
        switch self {
        case .file(let path):
            return archive_read_open_filename(reader, path, 1 << 20)
        case .memory(let tar):
            context = StreamContext(tar: tar)
        case .stream(let prefix, let fd):
            context = StreamContext(prefix: prefix, fd: fd)
        }
        guard let stream = context else { return ARCHIVE_FATAL }
        return archive_read_open(reader, Unmanaged.passUnretained(stream).toOpaque(), nil, { _, client, out in
            guard let client, let out else { return -1 }
            return Unmanaged<StreamContext>.fromOpaque(client).takeUnretainedValue().next(out)
        }, nil)
    }

    /// MemAvailable, in bytes (1 GiB when /proc does not say).
    static func availableMemory() -> Int {
        guard let text = FileSystem.read("/proc/meminfo") else { return 1 << 30 }
        for line in ASCII.split(text, on: UInt8(ascii: "\n")) where line.hasPrefix("MemAvailable:") {
            let digits = line.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            if let kib = Int(String(decoding: digits, as: UTF8.self)) { return kib * 1024 }
        }
        return 1 << 30
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}

/// libarchive's read callback state: an inflated tar handed over a chunk
/// at a time, each chunk's pages dropped once libarchive asks for the next
/// (its buffer need only live until then), so extraction does not keep the
/// whole tar resident; or the bytes already read, then reads of the pipe.
final class StreamContext {
    let prefix: MappedBuffer?
    var offset = 0
    /// Where the pages of the tar still resident begin (chunk-aligned).
    var released = 0
    let isTar: Bool
    let fd: Int32
    let chunk: UnsafeMutableRawPointer?
    static let chunkSize = 1 << 20

    init(tar: MappedBuffer) {
        prefix = tar
        isTar = true
        fd = -1
        chunk = nil
    }

    init?(prefix: MappedBuffer?, fd: Int32) {
        guard let chunk = malloc(Self.chunkSize) else { return nil }
        self.prefix = prefix
        isTar = false
        self.fd = fd
        self.chunk = chunk
    }

    deinit { free(chunk) }

    func next(_ out: UnsafeMutablePointer<UnsafeRawPointer?>) -> la_ssize_t {
        if let prefix, offset < prefix.count {
            if isTar {
                // The previous chunk is libarchive's no longer.
                if offset > released { _ = madvise(prefix.base + released, offset - released, MADV_DONTNEED) }
                released = offset
                let length = min(Self.chunkSize, prefix.count - offset)
                out.pointee = UnsafeRawPointer(prefix.base + offset)
                offset += length
                return la_ssize_t(length)
            }
            offset = prefix.count
            out.pointee = UnsafeRawPointer(prefix.base)
            return la_ssize_t(prefix.count)
        }
        guard let chunk, fd >= 0 else { return 0 }
        while true {
            let n = read(fd, chunk, Self.chunkSize)
            if n < 0 && errno == EINTR { continue }
            out.pointee = UnsafeRawPointer(chunk)
            return la_ssize_t(n)
        }
    }
}

/// An anonymous or file mapping; pages are touched only as they are used,
/// so a large capacity costs address space, not memory.
final class MappedBuffer {
    let base: UnsafeMutableRawPointer
    let capacity: Int
    var count = 0

    init?(capacity: Int) {
        let p = mmap(nil, capacity, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0)
        guard let p, p != MAP_FAILED else { return nil }
        base = p
        self.capacity = capacity
    }

    init?(file fd: Int32, size: Int) {
        let p = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
        guard let p, p != MAP_FAILED else { return nil }
        base = p
        capacity = size
        count = size
    }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    deinit { munmap(base, capacity) }
}

/// gzip streams (one member or several concatenated) inflated whole.
enum GzipMembers {
    static func starts(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && bytes[0] == 0x1f && bytes[1] == 0x8b
    }

    /// The inflated bytes, or nil when they exceed `limit` or libdeflate
    /// refuses the data (libarchive then streams it and names the problem).
    /// Bytes after the last member that do not start another are ignored,
    /// as gzip and libarchive do.
    static func inflate(_ input: UnsafeRawBufferPointer, limit: Int) -> MappedBuffer? {
        guard starts(input), let inputBase = input.baseAddress, limit > 0,
              let out = MappedBuffer(capacity: limit),
              let decompressor = libdeflate_alloc_decompressor() else { return nil }
        defer { libdeflate_free_decompressor(decompressor) }
        var consumed = 0
        while consumed < input.count,
              starts(UnsafeRawBufferPointer(rebasing: input[consumed...])) {
            var used = 0, produced = 0
            let result = libdeflate_gzip_decompress_ex(decompressor, inputBase + consumed, input.count - consumed,
                                                       out.base + out.count, out.capacity - out.count, &used, &produced)
            guard result == LIBDEFLATE_SUCCESS else { return nil }
            consumed += used
            out.count += produced
        }
        return out
    }
}
