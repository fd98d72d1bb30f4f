// Generated from profiles/*.toml by profiles/embed.py (make profiles). Do not edit.
public enum BuiltinProfiles {
    public static let sources: [String: String] = [
        "build": #"""
# For package managers and builds: apt/dnf switch users and need many files.
# Run with a subordinate id range (see `devbox doctor`) so their users exist.
description = "The default plus what package managers and large builds need: many open files, nested user namespaces for sandboxed builders"
extends = "default"
nested_user_namespaces = true

[rlimits]
nofile = [65536, 65536]

"""#,
        "default": #"""
# The default: what Docker gives a container, inside devbox's user namespace.
description = "Docker's default capabilities, no_new_privs, /proc and /sys paths masked or read-only as Docker does, the host's network, the project writable"
no_new_privileges = true
network = "host"
read_only_root = false
read_only_project = false
nested_user_namespaces = true

[capabilities]
keep = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]

[paths]
# The OCI runtime spec's and Docker's lists: kernel memory, keys, timers and
# firmware are hidden; kernel tunables are visible but not writable.
masked = ["/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"]
read_only = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]

[seccomp]
# Docker's default filter, as a deny list: what only the host's admin may do
# (modules, kexec, clocks, swap, reboot, accounting, mounts), kernel
# interfaces with a record of container escapes (keyctl, bpf, perf,
# userfaultfd, open_by_handle_at), and terminal injection (TIOCSTI).
default_action = "allow"
errno = 1
deny = ["acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "delete_module", "finit_module", "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mount", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "mount_setattr", "name_to_handle_at", "open_by_handle_at", "perf_event_open", "pivot_root", "quotactl", "reboot", "request_key", "settimeofday", "swapoff", "swapon", "syslog", "umount2", "uselib", "userfaultfd", "ustat", "ioctl:TIOCSTI", "ioctl:TIOCLINUX", "personality:unsafe"]

"""#,
        "strict": #"""
# For code you do not trust: tests of unknown repositories, AI agents.
description = "No capabilities, no network, everything but the project and /tmp read-only, no nested user namespaces"
extends = "default"
network = "none"
read_only_root = true
nested_user_namespaces = false

[capabilities]
keep = []

[rlimits]
core = [0, 0]
nproc = [4096, 4096]

[seccomp]
# On top of the default's: no new namespaces, no joining others, no tracing.
deny = ["unshare", "setns", "clone:namespaces", "clone3", "ptrace", "process_vm_readv", "process_vm_writev", "chroot"]

"""#,
        "unconfined": #"""
# For debugging devbox itself: only the namespaces. devbox warns when it is used.
description = "Only namespaces: every capability inside the user namespace, nothing masked, no_new_privs off"
no_new_privileges = false
nested_user_namespaces = true

[capabilities]
keep = ["ALL"]

"""#,
    ]

    /// The values each built-in profile sets, as ProfileParser reads them.
    public static func file(_ name: String) -> ProfileFile? {
        var p = ProfileFile()
        switch name {
        case "build":
            p.description = "The default plus what package managers and large builds need: many open files, nested user namespaces for sandboxed builders"
            p.extends = "default"
            p.nestedUserNamespaces = true
            p.rlimits["nofile"] = (65536, 65536)
        case "default":
            p.description = "Docker's default capabilities, no_new_privs, /proc and /sys paths masked or read-only as Docker does, the host's network, the project writable"
            p.noNewPrivileges = true
            p.network = "host"
            p.readOnlyRoot = false
            p.readOnlyProject = false
            p.nestedUserNamespaces = true
            p.capabilitiesKeep = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]
            p.maskedPaths = ["/proc/acpi", "/proc/asound", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware", "/sys/devices/virtual/powercap"]
            p.readOnlyPaths = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]
            p.seccompDefault = "allow"
            p.seccompErrno = 1
            p.seccompDeny = ["acct", "add_key", "bpf", "clock_adjtime", "clock_settime", "delete_module", "finit_module", "init_module", "ioperm", "iopl", "kcmp", "kexec_file_load", "kexec_load", "keyctl", "lookup_dcookie", "mount", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "open_tree", "mount_setattr", "name_to_handle_at", "open_by_handle_at", "perf_event_open", "pivot_root", "quotactl", "reboot", "request_key", "settimeofday", "swapoff", "swapon", "syslog", "umount2", "uselib", "userfaultfd", "ustat", "ioctl:TIOCSTI", "ioctl:TIOCLINUX", "personality:unsafe"]
        case "strict":
            p.description = "No capabilities, no network, everything but the project and /tmp read-only, no nested user namespaces"
            p.extends = "default"
            p.network = "none"
            p.readOnlyRoot = true
            p.nestedUserNamespaces = false
            p.capabilitiesKeep = []
            p.rlimits["core"] = (0, 0)
            p.rlimits["nproc"] = (4096, 4096)
            p.seccompDeny = ["unshare", "setns", "clone:namespaces", "clone3", "ptrace", "process_vm_readv", "process_vm_writev", "chroot"]
        case "unconfined":
            p.description = "Only namespaces: every capability inside the user namespace, nothing masked, no_new_privs off"
            p.noNewPrivileges = false
            p.nestedUserNamespaces = true
            p.capabilitiesKeep = ["ALL"]
        default:
            return nil
        }
        return p
    }
}
