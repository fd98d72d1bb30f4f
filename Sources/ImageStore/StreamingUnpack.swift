import CSyscalls
import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Unpacks a layer as its bytes arrive: a child process (devbox is
/// single-threaded, so fork is safe, and libarchive's extraction needs its
/// own working directory) reads the compressed stream from a pipe into a
/// staging directory (a gzip layer that fits in memory is gathered and
/// inflated whole when its input ends, see LayerInput). The parent feeds
/// it, hashes the same bytes into the blob, ends each child's input as soon
/// as its blob is complete, and publishes the layer only when the blob
/// matched its digest and the child accepted every entry. Several layers
/// unpack side by side.
public final class StreamingUnpack {
    let unpacker: LayerUnpacker
    let digest: Digest
    let staging: String
    let pid: pid_t
    var pipeFD: Int32
    let errorFD: Int32
    var broken = false
    var finished = false

    public init(layout: StoreLayout, digest: Digest, userNamespace: Int32? = nil) throws(StoreError) {
        unpacker = LayerUnpacker(layout: layout, userNamespace: userNamespace)
        self.digest = digest
        let scratch = try layout.scratchDirectory()
        guard FileSystem.makeDirectories(layout.layers, mode: 0o700) else {
            throw .io(path: layout.layers, reason: String(cString: strerror(errno)))
        }
        staging = scratch + "/layer-\(digest.short)-stream"
        FileSystem.removeTree(staging)
        guard mkdir(staging, 0o755) == 0 else { throw .io(path: staging, reason: String(cString: strerror(errno))) }
        var data: [Int32] = [-1, -1], errors: [Int32] = [-1, -1]
        guard pipe(&data) == 0, pipe(&errors) == 0 else { throw .io(path: staging, reason: "cannot create pipes") }
        // A child that refuses the layer closes its end: writes then fail
        // with EPIPE instead of killing devbox.
        signal(SIGPIPE, SIG_IGN)
        let parent = getpid()
        let child = fork()
        guard child >= 0 else { throw .io(path: staging, reason: String(cString: strerror(errno))) }
        if child == 0 {
            ParentDeath.follow(parent)
            // Keep only our two pipe ends: an inherited write end of another
            // layer's pipe would keep that unpacker from ever seeing EOF.
            for fd in 3..<Int32(4096) where fd != data[0] && fd != errors[1] && fd != (userNamespace ?? -1) { close(fd) }
            if let userNamespace, dbx_join_user_namespace(userNamespace) != 0 {
                let text = "devbox: cannot join the user namespace to unpack layer \(digest.short)"
                _ = text.withCString { write(errors[1], $0, strlen($0)) }
                _exit(1)
            }
            let unpacker = LayerUnpacker(layout: layout, userNamespace: userNamespace)
            do {
                try unpacker.extract(.descriptor(data[0]), into: staging, name: digest.short)
                _exit(0)
            } catch {
                let text = error.description
                _ = text.withCString { write(errors[1], $0, strlen($0)) }
                _exit(1)
            }
        }
        close(data[0])
        close(errors[1])
        // A deep pipe lets the parent hand over a whole chunk and move on to
        // the next layer instead of waiting for this unpacker.
        _ = fcntl(data[1], 1031 /* F_SETPIPE_SZ */, 1 << 20)
        _ = fcntl(data[1], F_SETFD, FD_CLOEXEC)
        _ = fcntl(errors[0], F_SETFD, FD_CLOEXEC)
        pid = child
        pipeFD = data[1]
        errorFD = errors[0]
    }

    /// Passes bytes on to the child; after a refusal they are dropped (the
    /// blob download still completes and `finish` reports the refusal).
    public func feed(_ bytes: UnsafeRawBufferPointer) {
        guard !broken, let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let n = write(pipeFD, base + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { broken = true; return }
            offset += n
        }
    }

    /// No more bytes: the child may go on without waiting for the other
    /// downloads (it inflates a layer whole once its input ended). Nothing
    /// is published until `finish`.
    public func endInput() {
        if pipeFD >= 0 { close(pipeFD); pipeFD = -1 }
    }

    /// Ends the stream; publishes the layer if `verified` (its blob matched).
    @discardableResult
    public func finish(verified: Bool) throws(StoreError) -> String? {
        endInput()
        finished = true
        if !verified { kill(pid, SIGKILL) }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        var message = [UInt8](repeating: 0, count: 4096)
        let n = message.withUnsafeMutableBytes { read(errorFD, $0.baseAddress, $0.count) }
        close(errorFD)
        let succeeded = (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0
        guard verified, succeeded else {
            NamespacedRemoval.remove(staging, userNamespace: unpacker.userNamespace)
            if verified {
                if n > 0 { throw .reported(String(decoding: message[0..<n], as: UTF8.self)) }
                throw .corruptLayer(layer: digest.short, reason: "the unpacking process failed")
            }
            return nil
        }
        return try unpacker.publish(staging: staging, digest: digest)
    }

    deinit {
        if !finished {
            endInput()
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
            close(errorFD)
            NamespacedRemoval.remove(staging, userNamespace: unpacker.userNamespace)
        }
    }
}
