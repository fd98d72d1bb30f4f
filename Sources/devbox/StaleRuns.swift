import Platform
#if canImport(Glibc)
import Glibc
#endif

/// Overlay work directories are per run (`work/<pid>`); a run killed with
/// SIGKILL cannot remove its own, so the next run removes those whose
/// process is gone.
enum StaleRuns {
    static func remove(in workRoot: String) {
        for name in FileSystem.list(workRoot) {
            guard let pid = Int32(name), pid != getpid() else { continue }
            if kill(pid, 0) != 0 && errno == ESRCH {
                FileSystem.removeTree(workRoot + "/" + name)
            }
        }
    }
}
