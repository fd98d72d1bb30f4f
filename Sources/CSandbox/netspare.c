// Network namespaces made ahead of need. Making one costs ~0.7 ms of kernel
// time (every pernet subsystem's init, sysctl tables). Without a spare the
// command's process makes it while PID 1 mounts (netdefer.c), and PID 1,
// done first, waits for it. The user-namespace holder (holder.c) owns the
// namespace every rootless run joins, so it can make the next run's
// network namespace while it idles: one spare at a time, handed over on a
// unix socket in the runtime directory (0700, the user's), never handed
// twice, the next one made a few milliseconds after each hand-over. Each
// network namespace still serves one container; only who makes it, and
// when, changes.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

// After a hand-over the run that took the spare is still starting, on both
// CPUs; the next one is made once it is past that.
enum { REFILL_DELAY_MS = 3 };

static int socket_address(struct sockaddr_un *addr, const char *prefix, pid_t holder) {
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    int n = snprintf(addr->sun_path, sizeof addr->sun_path, "%s.%d.sock", prefix, (int)holder);
    return n > 0 && (size_t)n < sizeof addr->sun_path ? 0 : -1;
}

// A new network namespace with lo up, made by a child: the holder could not
// go back to the host's namespace once it left it. -1 if refused.
static int make_spare(void) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) return -1;
    pid_t child = fork();
    if (child == 0) {
        close(pair[0]);
        if (unshare(CLONE_NEWNET) < 0) _exit(1);
        dbx_loopback_up();
        int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        _exit(ns >= 0 && dbx_send_fd(pair[1], ns) == 0 ? 0 : 1);
    }
    close(pair[1]);
    int ns = child > 0 ? dbx_recv_fd(pair[0]) : -1;
    close(pair[0]);
    if (child > 0) waitpid(child, NULL, 0);
    return ns;
}

static long elapsed_ms(const struct timespec *since) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

void dbx_netspare_open(struct dbx_netspare *s, const char *prefix) {
    s->listener = s->spare = -1;
    s->served = s->refill_pending = 0;
    s->path[0] = '\0';
    struct sockaddr_un addr;
    if (!prefix || !*prefix || socket_address(&addr, prefix, getpid()) < 0) return;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return;
    unlink(addr.sun_path);
    mode_t old = umask(0177);
    int ok = bind(fd, (struct sockaddr *)&addr, sizeof addr) == 0 && listen(fd, 8) == 0;
    umask(old);
    if (!ok) {
        close(fd);
        return;
    }
    s->listener = fd;
    snprintf(s->path, sizeof s->path, "%s", addr.sun_path);
    s->spare = make_spare();
}

// Hands the spare to one caller of the same user (inside the holder's
// namespace the caller's uid is the holder's own).
static void serve_one(struct dbx_netspare *s) {
    int conn = accept4(s->listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) return;
    struct ucred peer;
    socklen_t len = sizeof peer;
    if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 && peer.uid == getuid() && s->spare >= 0 &&
        dbx_send_fd(conn, s->spare) == 0) {
        close(s->spare);
        s->spare = -1;
        s->served = 1;
    }
    close(conn);
}

void dbx_netspare_wait(struct dbx_netspare *s, int seconds) {
    if (s->listener < 0) {
        sleep((unsigned)seconds);
        return;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        if (s->refill_pending && elapsed_ms(&s->handed) >= REFILL_DELAY_MS) {
            s->spare = make_spare();
            s->refill_pending = 0;
        }
        long left = (long)seconds * 1000 - elapsed_ms(&start);
        if (left <= 0) return;
        long timeout = left;
        if (s->refill_pending) {
            long refill = REFILL_DELAY_MS - elapsed_ms(&s->handed);
            timeout = refill < 0 ? 0 : refill < left ? refill : left;
        }
        struct pollfd p = {s->listener, POLLIN, 0};
        if (poll(&p, 1, (int)timeout) > 0 && (p.revents & POLLIN)) {
            serve_one(s);
            // Handed over, or none to hand (the last one failed): one shortly.
            if (s->spare < 0 && !s->refill_pending) {
                clock_gettime(CLOCK_MONOTONIC, &s->handed);
                s->refill_pending = 1;
            }
        }
    }
}

void dbx_netspare_close(struct dbx_netspare *s) {
    if (s->listener >= 0) {
        unlink(s->path);
        close(s->listener);
    }
    if (s->spare >= 0) close(s->spare);
    s->listener = s->spare = -1;
}

int dbx_netspare_take(const char *prefix, pid_t holder, int userns_fd) {
    struct sockaddr_un addr;
    if (!prefix || socket_address(&addr, prefix, holder) < 0) return -1;
    int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    // A busy or stopped holder must not hold the run up: it then makes its
    // own namespace, as without a holder.
    struct timeval wait = {0, 100 * 1000};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &wait, sizeof wait);
    int ns = connect(fd, (struct sockaddr *)&addr, sizeof addr) == 0 ? dbx_recv_fd(fd) : -1;
    close(fd);
    if (ns < 0) return -1;
    // Checked, not trusted: a network namespace owned by the user namespace
    // this run joins.
    struct stat want, got;
    int owner = ioctl(ns, NS_GET_USERNS);
    int ok = ioctl(ns, NS_GET_NSTYPE) == CLONE_NEWNET && owner >= 0 && fstat(owner, &got) == 0 &&
             fstat(userns_fd, &want) == 0 && got.st_ino == want.st_ino && got.st_dev == want.st_dev;
    if (owner >= 0) close(owner);
    if (!ok) {
        close(ns);
        return -1;
    }
    return ns;
}
