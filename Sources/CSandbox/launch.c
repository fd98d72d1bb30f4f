// The parent side of a run: clone the container's PID 1 into its new
// namespaces, give it its id maps, then supervise it until it exits.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int write_file(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -errno;
    size_t len = strlen(text);
    ssize_t n = write(fd, text, len);
    int err = (n == (ssize_t)len) ? 0 : (n < 0 ? -errno : -EIO);
    close(fd);
    return err;
}

pid_t dbx_spawn_map_helper(const char *const *argv, pid_t target, char *err, size_t errlen) {
    size_t n = 0;
    while (argv[n]) n++;
    const char *args[n + 2];
    char pidbuf[24];
    snprintf(pidbuf, sizeof pidbuf, "%d", (int)target);
    args[0] = argv[0];
    args[1] = pidbuf;
    for (size_t i = 1; i < n; i++) args[i + 1] = argv[i];
    args[n + 1] = NULL;
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], NULL, NULL, (char *const *)args, environ);
    if (rc != 0) {
        snprintf(err, errlen, "cannot run %s: %s (install the uidmap package)", argv[0], strerror(rc));
        return -1;
    }
    return pid;
}

int dbx_wait_map_helper(pid_t helper, const char *name, char *err, size_t errlen) {
    int status = 0;
    while (waitpid(helper, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        snprintf(err, errlen, "%s failed for the container's id map; check /etc/subuid and /etc/subgid "
                 "(or run `devbox doctor`)", name);
        return -1;
    }
    return 0;
}

static int write_maps(const struct dbx_config *c, pid_t child, char *err, size_t errlen) {
    char path[64];
    if (c->newuidmap_argv && c->newgidmap_argv) {
        // The helpers are setuid programs costing ~2 ms each to start; they
        // write different files, so run them side by side.
        pid_t u = dbx_spawn_map_helper(c->newuidmap_argv, child, err, errlen);
        pid_t g = u > 0 ? dbx_spawn_map_helper(c->newgidmap_argv, child, err, errlen) : -1;
        int ok = u > 0 && dbx_wait_map_helper(u, c->newuidmap_argv[0], err, errlen) == 0;
        if (g < 0 || dbx_wait_map_helper(g, c->newgidmap_argv[0], err, errlen) < 0) ok = 0;
        return ok ? 0 : -1;
    }
    if (c->uid_map) {
        snprintf(path, sizeof path, "/proc/%d/uid_map", (int)child);
        int rc = write_file(path, c->uid_map);
        if (rc < 0) {
            snprintf(err, errlen, "cannot write the container's uid map: %s", strerror(-rc));
            return -1;
        }
    }
    if (c->gid_map) {
        if (c->deny_setgroups) {
            snprintf(path, sizeof path, "/proc/%d/setgroups", (int)child);
            write_file(path, "deny");
        }
        snprintf(path, sizeof path, "/proc/%d/gid_map", (int)child);
        int rc = write_file(path, c->gid_map);
        if (rc < 0) {
            snprintf(err, errlen, "cannot write the container's gid map: %s", strerror(-rc));
            return -1;
        }
    }
    return 0;
}

// Before clone/setns/unshare into namespaces: with another thread the kernel
// refuses a user namespace with a bare EINVAL; say why instead.
static int check_single_threaded(char *err, size_t errlen) {
    int threads = dbx_thread_count();
    if (threads <= 1) return 0;
    snprintf(err, errlen, "internal error: devbox has %d threads where it creates namespaces (it must have one; "
             "something started a thread: Dispatch, async code or Foundation.Process)", threads);
    return -1;
}

static const char *namespace_name(int type) {
    switch (type) {
    case CLONE_NEWNET: return "network";
    case CLONE_NEWIPC: return "ipc";
    case CLONE_NEWUTS: return "uts";
    case CLONE_NEWNS: return "mount";
    case CLONE_NEWPID: return "pid";
    case CLONE_NEWCGROUP: return "cgroup";
    default: return "user";
    }
}

// PID 1's side of linux.namespaces[].path (the pid namespace was joined by
// the parent, which is how a new process gets into one).
void dbx_join_namespaces(const struct dbx_config *c) {
    for (size_t i = 0; i < c->njoin; i++) {
        if (c->join_types[i] == CLONE_NEWPID) continue;
        if (setns(c->join_fds[i], c->join_types[i]) < 0) dbx_die("cannot join the existing namespace", namespace_name(c->join_types[i]), errno);
    }
}

int dbx_run(const struct dbx_config *c, char *err, size_t errlen) {
    if (check_single_threaded(err, errlen) < 0) return -1;
    // Block what we forward before the child exists, so nothing is lost
    // between clone() and the supervision loop; the child inherits the mask.
    sigset_t fwd, oldmask;
    dbx_forwarded_signals(&fwd);
    sigprocmask(SIG_BLOCK, &fwd, &oldmask);

    int sync[2] = {-1, -1}, console[2] = {-1, -1}, exited[2] = {-1, -1};
    if (pipe2(sync, O_CLOEXEC) < 0 ||
        (c->tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0) ||
        (c->return_before_teardown && pipe2(exited, O_CLOEXEC) < 0)) {
        snprintf(err, errlen, "cannot create sync channel: %s", strerror(errno));
        goto unwind;
    }

    int flags = c->clone_flags;
    if (c->userns_fd >= 0) {
        // Join the held namespace: its maps are already written, and the
        // caller (single-threaded) gets full capabilities in it.
        if (setns(c->userns_fd, CLONE_NEWUSER) < 0) {
            snprintf(err, errlen, "cannot join the user namespace: %s", strerror(errno));
            goto unwind;
        }
        if (!c->nest_userns) flags &= ~CLONE_NEWUSER;
    }
    for (size_t i = 0; i < c->njoin; i++) {
        if (c->join_types[i] != CLONE_NEWPID) continue;
        if (setns(c->join_fds[i], CLONE_NEWPID) < 0) {
            snprintf(err, errlen, "cannot join the existing pid namespace: %s", strerror(errno));
            goto unwind;
        }
    }

    // Making a network namespace and bringing lo up takes ~0.7 ms of the
    // clone's and PID 1's time; an early command process (see prepare_early)
    // does it instead, on the other CPU while PID 1 mounts, and PID 1 joins
    // it afterwards.
    int defer_net = (flags & CLONE_NEWNET) && c->prepare_early && c->loopback_up;
    if (defer_net) flags &= ~CLONE_NEWNET;

    // A fork-style clone: the caller is single-threaded (devbox checks), so
    // the child may run ordinary code until it execs.
    pid_t child = (pid_t)syscall(SYS_clone, (unsigned long)(flags | SIGCHLD), NULL, NULL, NULL, NULL);
    if (child < 0) {
        int e = errno;
        snprintf(err, errlen, "cannot create the sandbox's namespaces: %s%s", strerror(e),
                 e == EINVAL ? " (devbox must be single-threaded here)"
                 : (e == EPERM || e == ENOSPC) ? " (unprivileged user namespaces are disabled; run `devbox doctor`)" : "");
        goto unwind;
    }
    if (child == 0) {
        close(sync[1]);
        if (console[0] >= 0) close(console[0]);
        if (exited[0] >= 0) close(exited[0]);
        dbx_container_main(c, sync[0], console[1], exited[1], defer_net);
    }
    close(sync[0]);
    if (console[1] >= 0) close(console[1]);
    if (exited[1] >= 0) close(exited[1]);

    if ((c->userns_fd < 0 || c->nest_userns) && write_maps(c, child, err, errlen) < 0) {
        kill(child, SIGKILL);
        waitpid(child, NULL, 0);
        if (exited[0] >= 0) close(exited[0]);
        sigprocmask(SIG_SETMASK, &oldmask, NULL);
        return -1;
    }
    if (write(sync[1], "g", 1) != 1) { /* child died: its status is reported below */ }
    close(sync[1]);
    if (c->on_started) c->on_started(c->started_context, child);

    int master = -1;
    if (c->tty) {
        master = dbx_recv_fd(console[0]);  // -1 when the child failed before sending
        close(console[0]);
        if (master >= 0 && c->send_console) {
            // The OCI console socket: whoever listens there owns the terminal.
            if (dbx_send_fd(c->console_socket_fd, master) < 0)
                dbx_trace(c, "cannot send the terminal to the console socket", NULL);
            close(master);
            master = -1;
        }
    }
    int sigfd = signalfd(-1, &fwd, SFD_CLOEXEC);
    int status = dbx_supervise(c, child, master, sigfd, exited[0]);
    if (exited[0] >= 0) close(exited[0]);
    if (sigfd >= 0) close(sigfd);
    if (master >= 0) close(master);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    return status;

unwind:  // nothing was started: every channel made so far goes
    for (int i = 0; i < 2; i++) {
        if (sync[i] >= 0) close(sync[i]);
        if (console[i] >= 0) close(console[i]);
        if (exited[i] >= 0) close(exited[i]);
    }
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    return -1;
}

int dbx_unshare(int flags) {
    if ((flags & CLONE_NEWUSER) && dbx_thread_count() > 1) {
        static const char msg[] = "devbox: internal error: more than one thread before unshare(CLONE_NEWUSER)\n";
        (void)!write(2, msg, sizeof msg - 1);
        return -EINVAL;
    }
    return unshare(flags) == 0 ? 0 : -errno;
}
int dbx_clone_newuser(void) { return CLONE_NEWUSER; }
int dbx_clone_newns(void) { return CLONE_NEWNS; }
int dbx_clone_newpid(void) { return CLONE_NEWPID; }
int dbx_clone_newuts(void) { return CLONE_NEWUTS; }
int dbx_clone_newipc(void) { return CLONE_NEWIPC; }
int dbx_clone_newnet(void) { return CLONE_NEWNET; }
int dbx_clone_newcgroup(void) { return CLONE_NEWCGROUP; }
int dbx_seccomp_mode(void) { return prctl(PR_GET_SECCOMP, 0, 0, 0, 0); }
