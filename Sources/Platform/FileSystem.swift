#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The few file operations devbox needs, on plain syscalls: the hot path of
/// `devbox run` should not pay for Foundation's file APIs.
public enum FileSystem {
    public static func read(_ path: String, limit: Int = 16 << 20) -> String? {
        readBytes(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    public static func exists(_ path: String) -> Bool {
        var st = stat()
        return lstat(path, &st) == 0
    }

    public static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// A regular file, after symlinks.
    public static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    public static func isExecutable(_ path: String) -> Bool {
        access(path, X_OK) == 0
    }

    public static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    public static func currentDirectory() -> String? {
        guard let cwd = getcwd(nil, 0) else { return nil }
        defer { free(cwd) }
        return String(cString: cwd)
    }

    /// mkdir -p. Returns false (errno set) on failure.
    @discardableResult
    public static func makeDirectories(_ path: String, mode: mode_t = 0o755) -> Bool {
        if isDirectory(path) { return true }
        var current = ""
        for part in path.split(separator: "/") {
            current += "/" + part
            if mkdir(current, mode) != 0 && errno != EEXIST { return false }
        }
        return true
    }

    /// Writes through a temporary file and rename, so readers never see half a file.
    public static func writeAtomically(_ path: String, contents: String, mode: mode_t = 0o644) -> Bool {
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        // O_EXCL|O_NOFOLLOW: never write through something planted at the temporary name.
        let fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard fd >= 0 else { return false }
        let bytes = Array(contents.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { close(fd); unlink(tmp); return false }
            offset += n
        }
        close(fd)
        if rename(tmp, path) != 0 { unlink(tmp); return false }
        return true
    }

    /// rm -rf that also removes what overlayfs leaves behind (its work dirs
    /// are mode 000). Does not follow symlinks or cross into other mounts.
    public static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if (st.st_mode & S_IFMT) != S_IFDIR {
            unlink(path)
            return
        }
        chmod(path, 0o700)
        for name in list(path) { removeTree(path + "/" + name) }
        rmdir(path)
    }

    /// Names in a directory, without . and ..
    public static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    /// True for a directory holding nothing but . and .. (read no further
    /// than its first other entry); false when it cannot be read.
    public static func isEmptyDirectory(_ path: String) -> Bool {
        guard let dir = opendir(path) else { return false }
        defer { closedir(dir) }
        while let entry = readdir(dir) {
            let dots = withUnsafeBytes(of: entry.pointee.d_name) { name in
                name[0] == UInt8(ascii: ".") && (name[1] == 0 || (name[1] == UInt8(ascii: ".") && name[2] == 0))
            }
            if !dots { return false }
        }
        return true
    }

    public static func readLink(_ path: String) -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        let n = readlink(path, &buf, buf.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

extension String {
    /// The NUL-terminated text a C function wrote into `buffer`.
    public init(cBuffer buffer: [CChar]) {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        self = String(decoding: bytes, as: UTF8.self)
    }
}

extension FileSystem {
    /// The file's bytes, at most `limit` of them; nil when it cannot be opened
    /// or read. Reads into one uninitialised buffer sized from fstat (files in
    /// /proc report 0 and grow it), not a zeroed 64 KB chunk per file, which
    /// showed up in profiles of `devbox run`.
    public static func readBytes(_ path: String, limit: Int = Int.max) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 ? Int(st.st_size) : 0
        // A regular file's short read is its end: no read just to see 0.
        // Files that say 0 (procfs, sysfs) are read a page at a time.
        let regular = size > 0 && (st.st_mode & S_IFMT) == S_IFREG
        var buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(min(size > 0 ? size + 1 : 4096, limit), 1), alignment: 1)
        defer { buffer.deallocate() }
        var used = 0
        while used < limit {
            if used == buffer.count {
                let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: min(max(buffer.count * 2, 4096), limit),
                                                                    alignment: 1)
                bigger.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
                buffer.deallocate()
                buffer = bigger
            }
            guard let base = buffer.baseAddress else { return nil }
            let n = Glibc.read(fd, base + used, buffer.count - used)
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            used += n
            if regular && used < buffer.count { break }
        }
        return Array(UnsafeRawBufferPointer(rebasing: buffer[0..<used]))
    }
}

extension FileSystem {
    public static func readPrefix(_ path: String, count: Int) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: count)
        let n = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, count) }
        return n < 0 ? nil : Array(bytes[0..<n])
    }
}

extension FileSystem {
    /// Writes bytes to a new private file (not atomically: for scratch files).
    public static func writeBytes(_ path: String, _ bytes: [UInt8], mode: mode_t = 0o600) -> Bool {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}
