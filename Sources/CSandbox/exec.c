// `devbox exec`: join a running container's namespaces and run a command
// there with the container's own identity, capabilities, limits and
// seccomp filter, so an exec is never stronger than the container.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int same_file(int a, int b) {
    struct stat sa, sb;
    return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

// The container's user namespace may be a child of another that is not
// ours (a held namespace, or a nested one): the kernel lets the owner in
// only from the direct parent, so walk down from our own namespace.
static int join_user_namespace(int target, char *err, size_t errlen) {
    int self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
    if (self < 0) {
        snprintf(err, errlen, "cannot open /proc/self/ns/user: %s", strerror(errno));
        return -1;
    }
    // chain[0] is the target, each next one its parent, up to (without) ours.
    int chain[32] = {target};
    int depth = 1, rc = 0;
    while (!same_file(chain[depth - 1], self)) {
        if (depth == 32) { rc = -ELOOP; break; }
        int parent = ioctl(chain[depth - 1], NS_GET_PARENT);
        if (parent < 0) { rc = -errno; break; }
        chain[depth++] = parent;
    }
    close(self);
    // The last entry is ours (or the walk failed): join from the top down.
    for (int i = depth - 2; i >= 0 && rc == 0; i--)
        if (setns(chain[i], CLONE_NEWUSER) < 0) rc = -errno;
    for (int i = 1; i < depth; i++) close(chain[i]);
    if (rc < 0) snprintf(err, errlen, "cannot join the container's user namespace: %s", strerror(-rc));
    return rc;
}

static const struct { int flag; const char *name; } namespace_files[] = {
    {CLONE_NEWNS, "mnt"}, {CLONE_NEWPID, "pid"}, {CLONE_NEWUTS, "uts"}, {CLONE_NEWIPC, "ipc"},
    {CLONE_NEWNET, "net"}, {CLONE_NEWCGROUP, "cgroup"},
};

// Whether `pid` is still the process that started at `start_time`, read
// after its namespaces were opened: a reused pid is never joined.
static int same_process(pid_t pid, unsigned long long start_time) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')');
    if (!p) return 0;
    // Field 22 (starttime); p points at the end of field 2.
    int field = 2;
    for (p++; *p && field < 22; p++)
        if (*p == ' ') field++;
    return strtoull(p, NULL, 10) == start_time;
}

// name (or number) in the container's /etc/passwd or /etc/group: the id,
// and for a user its primary group and home. -1 when there is no such entry.
static long lookup_id(const char *file, const char *name, unsigned int *gid, char *home, size_t homelen) {
    char *end;
    unsigned long number = strtoul(name, &end, 10);
    int numeric = *name && !*end;
    int fd = open(file, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return numeric ? (long)number : -1;
    static char buf[1 << 16];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n < 0) n = 0;
    buf[n] = 0;
    for (char *line = buf; line && *line; ) {
        char *next = strchr(line, '\n');
        if (next) *next++ = 0;
        // name:x:id:gid:gecos:home:shell (passwd) or name:x:id:members (group)
        char *fields[7] = {0};
        int count = 0;
        for (char *f = line; f && count < 7; count++) {
            fields[count] = f;
            f = strchr(f, ':');
            if (f) *f++ = 0;
        }
        if (count >= 3 && (numeric ? strtoul(fields[2], NULL, 10) == number : strcmp(fields[0], name) == 0)) {
            if (gid && count >= 4) *gid = (unsigned int)strtoul(fields[3], NULL, 10);
            if (home && count >= 6) snprintf(home, homelen, "%s", fields[5]);
            return (long)strtoul(fields[2], NULL, 10);
        }
        line = next;
    }
    return numeric ? (long)number : -1;
}

// `-u USER[:GROUP]` by name, resolved in the container's own files.
static void resolve_user(const struct dbx_exec_config *e, struct dbx_config *c) {
    static char home[1024];
    home[0] = 0;
    if (e->user) {
        unsigned int gid = c->gid;
        long uid = lookup_id("/etc/passwd", e->user, &gid, home, sizeof home);
        if (uid < 0) {
            char msg[512];
            int n = snprintf(msg, sizeof msg, "devbox: no user %s in the container's /etc/passwd\n", e->user);
            if (n > 0) (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
            _exit(DBX_EXIT_SETUP);
        }
        c->uid = (uid_t)uid;
        c->gid = gid;
    }
    if (e->group) {
        long gid = lookup_id("/etc/group", e->group, NULL, NULL, 0);
        if (gid < 0) {
            char msg[512];
            int n = snprintf(msg, sizeof msg, "devbox: no group %s in the container's /etc/group\n", e->group);
            if (n > 0) (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
            _exit(DBX_EXIT_SETUP);
        }
        c->gid = (gid_t)gid;
    }
    if (!home[0] || !e->set_home) return;
    // HOME follows the user, as podman's exec sets it.
    size_t n = 0;
    while (c->envp[n]) n++;
    static char homevar[1100];
    snprintf(homevar, sizeof homevar, "HOME=%s", home);
    const char **env = malloc((n + 2) * sizeof *env);
    if (!env) return;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (strncmp(c->envp[i], "HOME=", 5) != 0) env[k++] = c->envp[i];
    env[k++] = homevar;
    env[k] = NULL;
    c->envp = env;
}

// Whose /proc/PID/ns files to open. PID 1 was forked from devbox on the
// host and never exec'd: its memory belongs to the host's user namespace,
// and it is not dumpable (so the command cannot reach devbox's binary
// through /proc/1/exe), so only root on the host may open them. The
// command PID 1 started exec'd inside the container: the user owning the
// container's user namespace may open its files. They are the same
// namespaces unless the command made new ones of its own.
static pid_t namespace_source(pid_t pid1) {
    char path[64], buf[64];
    snprintf(path, sizeof path, "/proc/%d/task/%d/children", (int)pid1, (int)pid1);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return pid1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return pid1;
    buf[n] = 0;
    long child = strtol(buf, NULL, 10);
    return child > 0 ? (pid_t)child : pid1;
}

static int open_namespace(pid_t pid1, const char *name) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)pid1, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd >= 0 || errno != EACCES) return fd;
    // Just after the start the command may not have exec'd yet.
    for (int attempt = 0; attempt < 500; attempt++) {
        snprintf(path, sizeof path, "/proc/%d/ns/%s", (int)namespace_source(pid1), name);
        fd = open(path, O_RDONLY | O_CLOEXEC);
        if (fd >= 0 || errno != EACCES) return fd;
        usleep(1000);
    }
    return -1;
}

int dbx_exec(const struct dbx_exec_config *e, char *err, size_t errlen) {
    const struct dbx_config *c = e->process;
    if (dbx_single_threaded() == 0) {
        snprintf(err, errlen, "devbox has more than one thread where it joins the container (a devbox bug; please report it)");
        return -1;
    }
    sigset_t fwd, oldmask;
    dbx_forwarded_signals(&fwd);
    sigprocmask(SIG_BLOCK, &fwd, &oldmask);
    int rc = -1, userns = -1, nsfds[6] = {-1, -1, -1, -1, -1, -1};
    int console[2] = {-1, -1};
    if (e->join_flags & CLONE_NEWUSER) {
        userns = open_namespace(e->pid, "user");
        if (userns < 0) {
            snprintf(err, errlen, "cannot open the container's namespaces: %s", strerror(errno));
            goto out;
        }
    }
    for (size_t i = 0; i < sizeof namespace_files / sizeof namespace_files[0]; i++) {
        if (!(e->join_flags & namespace_files[i].flag)) continue;
        nsfds[i] = open_namespace(e->pid, namespace_files[i].name);
        if (nsfds[i] < 0) {
            snprintf(err, errlen, "cannot open the container's %s namespace: %s", namespace_files[i].name, strerror(errno));
            goto out;
        }
    }
    if (!same_process(e->pid, e->start_time)) {
        snprintf(err, errlen, "the container is no longer running");
        rc = -2;
        goto out;
    }
    if (userns >= 0 && join_user_namespace(userns, err, errlen) < 0) goto out;
    for (size_t i = 0; i < sizeof namespace_files / sizeof namespace_files[0]; i++) {
        if (nsfds[i] >= 0 && setns(nsfds[i], namespace_files[i].flag) < 0) {
            snprintf(err, errlen, "cannot join the container's %s namespace: %s", namespace_files[i].name, strerror(errno));
            goto out;
        }
    }
    if (c->tty && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, console) < 0) {
        snprintf(err, errlen, "cannot create a socket for the terminal: %s", strerror(errno));
        goto out;
    }

    pid_t child = fork();
    if (child < 0) {
        snprintf(err, errlen, "cannot start the command: %s", strerror(errno));
        goto out;
    }
    if (child == 0) {
        if (e->detach) {
            // Detached: the command's parent becomes the container's PID 1,
            // which reaps it; this process leaves at once.
            setsid();
            pid_t grandchild = fork();
            if (grandchild != 0) _exit(grandchild < 0 ? DBX_EXIT_SETUP : 0);
        }
        dbx_reset_signals();
        if (e->detach) prctl(PR_SET_PDEATHSIG, 0);
        if (c->tty) {
            close(console[0]);
            char slave[64];
            int master = dbx_open_pty(slave, sizeof slave);
            if (master < 0) dbx_die("cannot allocate a pseudo-terminal in the container", NULL, -master);
            if (dbx_send_fd(console[1], master) < 0) dbx_die("cannot pass the terminal to devbox", NULL, errno);
            close(master);
            close(console[1]);
            setsid();
            int fd = open(slave, O_RDWR);
            if (fd < 0) dbx_die("cannot open the terminal", slave, errno);
            if (ioctl(fd, TIOCSCTTY, 0) < 0) dbx_die("cannot make the terminal controlling", slave, errno);
            for (int i = 0; i < 3; i++) dup2(fd, i);
            if (fd > 2) close(fd);
        }
        struct dbx_config process = *c;
        resolve_user(e, &process);
        c = &process;
        dbx_set_identity(c);
        dbx_close_on_exec_above(c);
        const char *cwd = c->cwd ? c->cwd : "/";
        if (chdir(cwd) < 0) dbx_die("cannot enter the working directory", cwd, errno);
        dbx_load_filter(c);
        // Nothing blocked, whatever devbox's caller had blocked: a run's
        // command starts the same way (container.c).
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        dbx_exec_in_path(c);
    }
    if (e->detach) {
        int status = 0;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        rc = WIFEXITED(status) ? WEXITSTATUS(status) : DBX_EXIT_SETUP;
        goto out;
    }
    int master = -1;
    if (c->tty) {
        close(console[1]);
        console[1] = -1;
        master = dbx_recv_fd(console[0]);
    }
    int sigfd = signalfd(-1, &fwd, SFD_CLOEXEC);
    rc = dbx_supervise(c, child, master, sigfd, -1);
    if (sigfd >= 0) close(sigfd);
    if (master >= 0) close(master);
out:
    if (userns >= 0) close(userns);
    for (size_t i = 0; i < 6; i++)
        if (nsfds[i] >= 0) close(nsfds[i]);
    if (console[0] >= 0) close(console[0]);
    if (console[1] >= 0) close(console[1]);
    sigprocmask(SIG_SETMASK, &oldmask, NULL);
    return rc;
}
