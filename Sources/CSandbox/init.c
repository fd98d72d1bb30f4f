// The command's process (identity, capabilities, exec) and the tiny init
// that stays as PID 1: reaps every child and passes signals on.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

// The highest capability this kernel knows, probed with prctl rather than
// read from /proc/sys: no file access, so it also works before the mounts.
static int last_cap(void) {
    static int last = -1;
    if (last >= 0) return last;
    int cap = CAP_LAST_CAP;
    while (cap < 63 && prctl(PR_CAPBSET_READ, cap + 1, 0, 0, 0) >= 0) cap++;
    while (cap > 0 && prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0) cap--;
    return last = cap;
}

// The bounding set limits what any later exec (setuid binaries, file
// capabilities) can ever regain; drop it first, while CAP_SETPCAP is held.
static void drop_bounding_set(uint64_t keep) {
    int last = last_cap();
    for (int cap = 0; cap <= last; cap++) {
        if (keep & (1ULL << cap)) continue;
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            dbx_die("cannot drop capability from the bounding set", NULL, errno);
    }
}

static void set_capabilities(uint64_t keep) {
    // Bits beyond what this kernel knows cannot be held.
    int last = last_cap();
    if (last < 63) keep &= (1ULL << (last + 1)) - 1;
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    for (int i = 0; i < 2; i++) {
        uint32_t bits = (uint32_t)(keep >> (32 * i));
        data[i].effective = data[i].permitted = data[i].inheritable = bits;
    }
    if (syscall(SYS_capset, &hdr, data) < 0) dbx_die("cannot set capabilities", NULL, errno);
}

// runtime-spec's five sets. Ambient needs each capability in permitted and
// inheritable; one that is not is skipped, as runc and crun do (`runc spec`
// lists ambient capabilities without inheritable ones).
static void set_capability_sets(const struct dbx_config *c) {
    int last = last_cap();
    uint64_t known = last < 63 ? (1ULL << (last + 1)) - 1 : ~0ULL;
    struct __user_cap_header_struct hdr = {_LINUX_CAPABILITY_VERSION_3, 0};
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    for (int i = 0; i < 2; i++) {
        data[i].effective = (uint32_t)((c->cap_effective & known) >> (32 * i));
        data[i].permitted = (uint32_t)((c->cap_permitted & known) >> (32 * i));
        data[i].inheritable = (uint32_t)((c->cap_inheritable & known) >> (32 * i));
    }
    if (syscall(SYS_capset, &hdr, data) < 0)
        dbx_die(errno == EPERM ? "cannot set capabilities (effective must be within permitted, all within bounding)"
                               : "cannot set capabilities", NULL, errno);
    uint64_t ambient = c->cap_ambient & c->cap_permitted & c->cap_inheritable & known;
    for (int cap = 0; cap <= last; cap++) {
        if (!(ambient & (1ULL << cap))) continue;
        if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) < 0)
            dbx_die("cannot raise an ambient capability", NULL, errno);
    }
}

void dbx_wait_for_start(const struct dbx_config *c) {
    if (!c->wait_for_start) return;
    char go;
    ssize_t n;
    while ((n = read(c->start_fd, &go, 1)) < 0 && errno == EINTR) {}
    if (n != 1) _exit(DBX_EXIT_SETUP);
    close(c->start_fd);
}

void dbx_exec_in_path(const struct dbx_config *c) {
    if (!c->argv || !c->argv[0]) dbx_exec_anchor(c);
    const char *name = c->argv[0];
    char *const *argv = (char *const *)c->argv;
    char *const *envp = (char *const *)c->envp;
    if (strchr(name, '/')) {
        execve(name, argv, envp);
    } else {
        int saw_eacces = 0;
        const char *p = c->search_path ? c->search_path : "/usr/local/bin:/usr/bin:/bin";
        char buf[4096];
        while (*p) {
            const char *end = strchrnul(p, ':');
            size_t dlen = (size_t)(end - p);
            if (dlen == 0) { p = *end ? end + 1 : end; continue; }
            if (dlen + strlen(name) + 2 < sizeof buf) {
                memcpy(buf, p, dlen);
                buf[dlen] = '/';
                strcpy(buf + dlen + 1, name);
                execve(buf, argv, envp);
                if (errno == EACCES) saw_eacces = 1;
                else if (errno != ENOENT && errno != ENOTDIR) break;
            }
            p = *end ? end + 1 : end;
        }
        if (saw_eacces) errno = EACCES;
    }
    int e = errno;
    char msg[512];
    int n;
    if (e == ENOENT)
        n = snprintf(msg, sizeof msg, "devbox: %s: command not found in the container (PATH=%s)\n", name,
                     c->search_path ? c->search_path : "");
    else
        n = snprintf(msg, sizeof msg, "devbox: cannot run %s: %s\n", name, strerror(e));
    if (n > 0) (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    if (dbx_failure_fd >= 0) (void)!write(dbx_failure_fd, "x", 1);
    _exit(e == ENOENT ? 127 : 126);
}

// Identity, capabilities, limits and no_new_privs: what the command gets
// that does not depend on the container's files.
void dbx_set_identity(const struct dbx_config *c) {
    drop_bounding_set(c->capabilities);
    // Change identity with the capabilities kept, then set the final sets:
    // a profile may not keep CAP_SETUID, but the switch itself needs it.
    if (!c->deny_setgroups && setgroups(c->ngroups, c->groups) < 0) dbx_die("cannot set groups", NULL, errno);
    prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
    if (setresgid(c->gid, c->gid, c->gid) < 0) dbx_die("cannot set gid", NULL, errno);
    if (setresuid(c->uid, c->uid, c->uid) < 0) dbx_die("cannot set uid", NULL, errno);
    prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0);
    if (c->capability_sets) set_capability_sets(c);
    else set_capabilities(c->capabilities);
    if (c->set_umask) umask((mode_t)c->umask);
    for (size_t i = 0; i < c->nrlimits; i++) {
        struct rlimit rl = {c->rlimits[i].soft, c->rlimits[i].hard}, current;
        if (setrlimit(c->rlimits[i].resource, &rl) == 0) continue;
        // Raising a hard limit above the host's needs CAP_SYS_RESOURCE in the
        // initial namespace: rootless, the profile's limit is capped there.
        if (errno != EPERM || getrlimit(c->rlimits[i].resource, &current) < 0)
            dbx_die("cannot set a resource limit", NULL, errno);
        if (rl.rlim_max > current.rlim_max) rl.rlim_max = current.rlim_max;
        if (rl.rlim_cur > rl.rlim_max) rl.rlim_cur = rl.rlim_max;
        if (setrlimit(c->rlimits[i].resource, &rl) < 0) dbx_die("cannot set a resource limit", NULL, errno);
    }
    if (c->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        dbx_die("cannot set no_new_privs", NULL, errno);
}

void dbx_load_filter(const struct dbx_config *c) {
    if (!c->seccomp_bpf || c->seccomp_len < 8) return;
    struct sock_fprog prog = {(unsigned short)(c->seccomp_len / 8), (struct sock_filter *)c->seccomp_bpf};
    if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
        dbx_die(errno == EACCES ? "cannot load the seccomp filter without no_new_privileges (the profile turns it off)"
                                : "cannot load the seccomp filter", NULL, errno);
}

// Every fd above 2 closes at exec but those the caller asked to pass
// (--preserve-fds N: 3 .. N+2). PID 1 already closed what it inherited
// (dbx_close_inherited_fds); this also covers devbox's own pipes.
void dbx_close_on_exec_above(const struct dbx_config *c) {
    unsigned int first = 3u + (unsigned int)(c->preserve_fds > 0 ? c->preserve_fds : 0);
    if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0) return;
    // Before Linux 5.11: one by one, up to the fd limit.
    struct rlimit rl;
    rlim_t last = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (1u << 20) ? rl.rlim_cur : (1u << 20);
    for (rlim_t fd = first; fd < last; fd++) fcntl((int)fd, F_SETFD, FD_CLOEXEC);
}

void dbx_reset_signals(void) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    for (int s = 1; s < NSIG; s++) signal(s, SIG_DFL);
}

void dbx_exec_command(const struct dbx_config *c, const char *pty_slave, const sigset_t *oldmask) {
    dbx_failure_fd = c->ready_fd;
    dbx_reset_signals();
    if (pty_slave) {
        setsid();
        int fd = open(pty_slave, O_RDWR);
        if (fd < 0) dbx_die("cannot open the terminal", pty_slave, errno);
        if (ioctl(fd, TIOCSCTTY, 0) < 0) dbx_die("cannot make the terminal controlling", pty_slave, errno);
        for (int i = 0; i < 3; i++) dup2(fd, i);
        if (fd > 2) close(fd);
    }
    dbx_set_identity(c);
    dbx_close_on_exec_above(c);
    if (c->cwd && chdir(c->cwd) < 0) dbx_die("cannot enter the working directory", c->cwd, errno);
    dbx_wait_for_start(c);
    // Last, so the filter does not have to allow devbox's own setup calls.
    dbx_load_filter(c);
    sigprocmask(SIG_SETMASK, oldmask, NULL);
    dbx_exec_in_path(c);
}

void dbx_exec_command_early(const struct dbx_config *c, const struct dbx_setup_helper *helper, int ready_fd, int policy_fd,
                            int policy_done_fd, int net_socket,
                            int proc_fd, const sigset_t *oldmask) {
    dbx_trace(c, "command: preparing", NULL);
    dbx_failure_fd = c->ready_fd;
    dbx_reset_signals();
    if (net_socket >= 0) {
        // While PID 1 starts mounting: the namespace's ~0.6 ms and lo's.
        if (unshare(CLONE_NEWNET) < 0) dbx_die("cannot create the network namespace", NULL, errno);
        dbx_loopback_up();
        int ns = openat(proc_fd, "thread-self/ns/net", O_RDONLY | O_CLOEXEC);
        if (ns < 0) dbx_die("cannot open the new network namespace", NULL, errno);
        if (dbx_send_fd(net_socket, ns) < 0) dbx_die("cannot pass the network namespace to PID 1", NULL, errno);
        close(ns);
        close(net_socket);
        close(proc_fd);
    }
    if (policy_fd >= 0) {
        // Still with every capability, on the other core: the overlays PID
        // 1 left to us once the root is there, then the masks.
        char start;
        if (helper->offloaded) {
            if (read(policy_fd, &start, 1) != 1) _exit(DBX_EXIT_SETUP);
            dbx_run_offloaded(c, helper);
            (void)!write(policy_done_fd, "O", 1);
        }
        if (helper->after >= 0) {
            if (read(policy_fd, &start, 1) != 1) _exit(DBX_EXIT_SETUP);
            dbx_apply_policy(c);
            (void)!write(policy_done_fd, "d", 1);
        }
        close(policy_fd);
        close(policy_done_fd);
    }
    dbx_set_identity(c);
    dbx_close_on_exec_above(c);
    dbx_load_filter(c);
    dbx_trace(c, "command: ready", NULL);
    // PID 1 mounts meanwhile. Its pivots move this process's root with its
    // own; EOF means the setup failed (PID 1 is gone and so are we).
    char go;
    if (read(ready_fd, &go, 1) != 1) _exit(DBX_EXIT_SETUP);
    close(ready_fd);
    dbx_wait_for_start(c);
    const char *cwd = c->cwd ? c->cwd : "/";
    if (chdir(cwd) < 0) dbx_die("cannot enter the working directory", cwd, errno);
    sigprocmask(SIG_SETMASK, oldmask, NULL);
    dbx_exec_in_path(c);
}

// The command's end as PID 1's exit status, told to the parent first when
// it asked (exit_fd): PID 1's own exit then takes the namespaces down.
static void __attribute__((noreturn)) exit_with(int code, int exit_fd) {
    if (exit_fd >= 0) {
        unsigned char byte = (unsigned char)code;
        (void)!write(exit_fd, &byte, 1);
    }
    _exit(code);
}

void dbx_init_loop(const struct dbx_config *c, pid_t command, const sigset_t *oldmask, int exit_fd) {
    (void)oldmask;
    dbx_trace(c, "init: waiting for command", NULL);
    // PID 1 keeps no pipe ends open, so readers see EOF when the command ends.
    int devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (devnull >= 0) { dup2(devnull, 0); dup2(devnull, 1); close(devnull); }

    sigset_t fwd;
    dbx_forwarded_signals(&fwd);
    int sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
    if (sfd < 0) dbx_die("cannot watch signals", NULL, errno);
    for (;;) {
        struct signalfd_siginfo si;
        ssize_t n = read(sfd, &si, sizeof si);
        if (n != sizeof si) {
            if (n < 0 && errno == EINTR) continue;
            dbx_die("cannot read signals", NULL, n < 0 ? errno : EIO);
        }
        if (si.ssi_signo == SIGCHLD) {
            int status;
            pid_t p;
            while ((p = waitpid(-1, &status, WNOHANG)) > 0) {
                if (p != command) continue;
                if (WIFEXITED(status)) exit_with(WEXITSTATUS(status), exit_fd);
                if (WIFSIGNALED(status)) exit_with(128 + WTERMSIG(status), exit_fd);
            }
            continue;
        }
        // Signals the terminal sent to the whole foreground group already
        // reached the command; only pass on those sent with kill().
        if (si.ssi_code == SI_KERNEL) continue;
        kill(command, (int)si.ssi_signo);
    }
}
