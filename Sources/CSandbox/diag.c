// What every step uses to report: the one-line fatal error, the debug
// trace, a whole write. A leaf: it calls nothing else of devbox's, so the
// steps above it (setup.c, init.c, exec.c, container.c) never call back up.
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

int dbx_failure_fd = -1;

// Whether a setup path lies below /newroot, and the rest of it (pure: both
// the messages here and inroot.c's resolution use it).
int dbx_in_root(const char *path, const char **rel) {
    size_t n = sizeof "/newroot" - 1;
    if (strncmp(path, "/newroot", n) != 0 || (path[n] != '/' && path[n] != '\0')) return 0;
    const char *r = path + n;
    while (*r == '/') r++;
    *rel = r;
    return 1;
}


void dbx_die(const char *what, const char *path, int err) {
    // Paths as the user knows them: the container's without the staging
    // prefix, the host's without /oldroot.
    const char *rel;
    char shown[4096];
    if (path && dbx_in_root(path, &rel)) {
        snprintf(shown, sizeof shown, "/%s", rel);
        path = shown;
    } else if (path && strncmp(path, "/oldroot/", 9) == 0) {
        path += 8;
    }
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "devbox: %s%s%s: %s\n", what, path ? " " : "", path ? path : "",
                     strerror(err));
    if (n > 0) (void)!write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
    if (dbx_failure_fd >= 0) (void)!write(dbx_failure_fd, "x", 1);
    _exit(DBX_EXIT_SETUP);
}

int dbx_write_all(int fd, const char *data) {
    size_t len = strlen(data), off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return -errno;
        off += (size_t)n;
    }
    return 0;
}

void dbx_trace(const struct dbx_config *c, const char *what, const char *path) {
    if (!c->debug) return;
    // Microseconds on the monotonic clock: the setup's cost shows step by step.
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    char buf[1024];
    int n = snprintf(buf, sizeof buf, "devbox[debug]: %lld.%06ld %s %s\n", (long long)ts.tv_sec, ts.tv_nsec / 1000,
                     what, path ? path : "");
    if (n > 0) (void)!write(2, buf, (size_t)n < sizeof buf ? (size_t)n : sizeof buf - 1);
}

// The signals devbox passes on (init's loop, a run's and an exec's parent).
void dbx_forwarded_signals(sigset_t *set) {
    sigemptyset(set);
    int sigs[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH, SIGCHLD};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++) sigaddset(set, sigs[i]);
}
