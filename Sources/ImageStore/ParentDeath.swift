import CLibcap
#if canImport(Glibc)
import Glibc
#endif

/// Helper processes (layer unpackers, removals in the user namespace) must
/// not outlive devbox: after `kill -9 devbox import` an unpacker would go on
/// writing into a scratch directory nobody will publish, for seconds.
public enum ParentDeath {
    /// prctl(2) option number (linux/prctl.h); prctl itself is variadic and
    /// not importable, libcap's cap_prctl is its plain wrapper.
    static let setDeathSignal: Int = 1

    /// Called in a freshly forked child with the parent's pid, read before
    /// the fork: asks for SIGKILL when the parent dies, then checks the
    /// parent did not die before the request was made (we would then have
    /// been reparented already, and no signal would ever come).
    public static func follow(_ parent: pid_t) {
        _ = cap_prctl(setDeathSignal, Int(SIGKILL), 0, 0, 0, 0)
        if getppid() != parent { _exit(1) }
    }
}
