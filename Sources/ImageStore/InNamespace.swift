import CSyscalls
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Runs work in a child process that has joined a user namespace. devbox is
/// single-threaded, so the forked child may run Swift, and setns(2) for a
/// user namespace requires exactly that.
enum InNamespace {
    static func run(_ namespace: Int32, _ body: () throws(StoreError) -> Void) throws(StoreError) {
        var errors: [Int32] = [-1, -1]
        guard pipe(&errors) == 0 else { throw .io(path: "pipe", reason: String(cString: strerror(errno))) }
        let parent = getpid()
        let child = fork()
        guard child >= 0 else { throw .io(path: "fork", reason: String(cString: strerror(errno))) }
        if child == 0 {
            ParentDeath.follow(parent)
            close(errors[0])
            let rc = dbx_join_user_namespace(namespace)
            if rc != 0 {
                let text = "devbox: cannot join the user namespace: \(String(cString: strerror(-rc)))"
                _ = text.withCString { write(errors[1], $0, strlen($0)) }
                _exit(1)
            }
            do {
                try body()
                _exit(0)
            } catch {
                _ = error.description.withCString { write(errors[1], $0, strlen($0)) }
                _exit(1)
            }
        }
        close(errors[1])
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        var message = [UInt8](repeating: 0, count: 4096)
        let n = message.withUnsafeMutableBytes { read(errors[0], $0.baseAddress, $0.count) }
        close(errors[0])
        guard (status & 0x7f) == 0 && ((status >> 8) & 0xff) == 0 else {
            throw .reported(n > 0 ? String(decoding: message[0..<n], as: UTF8.self) : "a helper process failed")
        }
    }
}

/// Removes trees that may hold files of subordinate ids, which only the
/// user namespace they belong to can delete.
public enum NamespacedRemoval {
    public static func remove(_ path: String, userNamespace: Int32?) {
        guard let userNamespace, FileSystem.exists(path) else {
            FileSystem.removeTree(path)
            return
        }
        try? InNamespace.run(userNamespace) { () throws(StoreError) in FileSystem.removeTree(path) }
        FileSystem.removeTree(path)  // whatever the namespace could not map
    }
}
