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
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

// After a hand-over the run that took the spare is still starting; the
// next one is asked for once it is past that. Two are kept: back-to-back
// runs shorter than a hand-over plus that delay plus the making (an image
// run: ~3.5 ms) found none ready with one, and made their own.
enum { REFILL_DELAY_MS = 3 };

static int socket_address(struct sockaddr_un *addr, const char *prefix, pid_t holder) {
    memset(addr, 0, sizeof *addr);
    addr->sun_family = AF_UNIX;
    int n = snprintf(addr->sun_path, sizeof addr->sun_path, "%s.%d.sock", prefix, (int)holder);
    return n > 0 && (size_t)n < sizeof addr->sun_path ? 0 : -1;
}

// The maker: one child of the holder, forked once, that makes each spare
// when asked. unshare(CLONE_NEWNET) again and again needs no fork per
// namespace (a fork of devbox copies its page tables, its exit frees them:
// more than half the namespace's own cost); between two it waits in a
// parking namespace of its own, never in one a container was given. The
// holder cannot do it itself: its accept loop must never stall behind the
// ~0.7 ms the kernel takes to make one.
static void maker_main(int sock, pid_t holder) __attribute__((noreturn));
static void maker_main(int sock, pid_t holder) {
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != holder) _exit(0);
    prctl(PR_SET_NAME, "devbox-netns");
    if (unshare(CLONE_NEWNET) < 0) _exit(1);
    int parking = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
    if (parking < 0) _exit(1);
    char ask;
    while (read(sock, &ask, 1) == 1) {
        if (unshare(CLONE_NEWNET) < 0) _exit(1);
        dbx_loopback_up();
        int ns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        if (ns < 0 || setns(parking, CLONE_NEWNET) < 0 || dbx_send_fd(sock, ns) < 0) _exit(1);
        close(ns);
    }
    _exit(0);
}

static void start_maker(struct dbx_netspare *s) {
    int pair[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) < 0) return;
    pid_t holder = getpid();
    pid_t child = fork();
    if (child == 0) {
        close(pair[0]);
        if (s->listener >= 0) close(s->listener);
        maker_main(pair[1], holder);
    }
    close(pair[1]);
    if (child < 0) {
        close(pair[0]);
        return;
    }
    s->maker = pair[0];
    s->maker_pid = child;
}

static void ask_maker(struct dbx_netspare *s) {
    if (s->maker < 0 || s->asked) return;
    if (write(s->maker, "m", 1) == 1) s->asked = 1;
}

static void stop_maker(struct dbx_netspare *s) {
    if (s->maker < 0) return;
    close(s->maker);
    kill(s->maker_pid, SIGKILL);
    waitpid(s->maker_pid, NULL, 0);
    s->maker = -1;
    s->maker_pid = -1;
    s->asked = 0;
}

static long elapsed_ms(const struct timespec *since) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - since->tv_sec) * 1000 + (now.tv_nsec - since->tv_nsec) / 1000000;
}

void dbx_netspare_open(struct dbx_netspare *s, const char *prefix) {
    s->listener = s->maker = -1;
    s->maker_pid = -1;
    s->nspares = s->served = s->asked = s->refill_pending = 0;
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
    start_maker(s);
}

// Answers one caller of the same user (inside the holder's namespace the
// caller's uid is the holder's own) at once: a spare, or nothing when none
// is ready (the run then makes its own; it never waits for one).
static void serve_one(struct dbx_netspare *s) {
    int conn = accept4(s->listener, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0) return;
    struct ucred peer;
    socklen_t len = sizeof peer;
    if (getsockopt(conn, SOL_SOCKET, SO_PEERCRED, &peer, &len) == 0 && peer.uid == getuid() && s->nspares > 0 &&
        dbx_send_fd(conn, s->spares[s->nspares - 1]) == 0) {
        close(s->spares[--s->nspares]);
        s->served = 1;
        clock_gettime(CLOCK_MONOTONIC, &s->handed);
        s->refill_pending = 1;
    }
    close(conn);
}

static void take_from_maker(struct dbx_netspare *s) {
    int ns = dbx_recv_fd(s->maker);
    s->asked = 0;
    if (ns < 0) {
        // The maker died (or its namespace could not be made): no more spares.
        stop_maker(s);
        return;
    }
    if (s->nspares < DBX_NETSPARES) s->spares[s->nspares++] = ns;
    else close(ns);
}

void dbx_netspare_wait(struct dbx_netspare *s, int seconds) {
    if (s->listener < 0) {
        sleep((unsigned)seconds);
        return;
    }
    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    for (;;) {
        // One at a time, until the pool is full; after a hand-over, once
        // the run that took it is past its start.
        if (s->refill_pending && elapsed_ms(&s->handed) >= REFILL_DELAY_MS) s->refill_pending = 0;
        if (!s->refill_pending && s->nspares < DBX_NETSPARES) ask_maker(s);
        long left = (long)seconds * 1000 - elapsed_ms(&start);
        if (left <= 0) return;
        long timeout = left;
        if (s->refill_pending) {
            long refill = REFILL_DELAY_MS - elapsed_ms(&s->handed);
            timeout = refill < 0 ? 0 : refill < left ? refill : left;
        }
        struct pollfd p[2] = {{s->listener, POLLIN, 0}, {s->maker, POLLIN, 0}};
        if (poll(p, s->maker >= 0 ? 2 : 1, (int)timeout) <= 0) continue;
        if (s->maker >= 0 && (p[1].revents & (POLLIN | POLLHUP | POLLERR))) take_from_maker(s);
        if (p[0].revents & POLLIN) serve_one(s);
    }
}

void dbx_netspare_close(struct dbx_netspare *s) {
    if (s->listener >= 0) {
        unlink(s->path);
        close(s->listener);
    }
    while (s->nspares > 0) close(s->spares[--s->nspares]);
    stop_maker(s);
    s->listener = -1;
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
