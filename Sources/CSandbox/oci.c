// Small process helpers for `devbox oci`: Swift may not fork while another
// thread could hold a lock, and cannot call fork-like or variadic APIs
// comfortably; these keep the runtime's process handling in one place.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

pid_t dbx_fork(void) { return fork(); }

static int exit_code(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return DBX_EXIT_SETUP;
}

int dbx_run_hook(const char *path, const char *const *argv, const char *const *envp, const char *input,
                 int timeout_seconds, char *err, size_t errlen) {
    int in[2];
    if (pipe2(in, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "cannot create a pipe for hook %s: %s", path, strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(err, errlen, "cannot start hook %s: %s", path, strerror(errno));
        close(in[0]); close(in[1]);
        return -1;
    }
    if (pid == 0) {
        dup2(in[0], 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        execve(path, (char *const *)argv, (char *const *)envp);
        char msg[512];
        int n = snprintf(msg, sizeof msg, "devbox: cannot run hook %s: %s\n", path, strerror(errno));
        if (n > 0) (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
        _exit(127);
    }
    close(in[0]);
    // The state document is small (< pipe buffer) unless annotations are huge;
    // a hook that does not read stdin must not block us: ignore EPIPE.
    signal(SIGPIPE, SIG_IGN);
    (void)dbx_write_all(in[1], input);
    close(in[1]);
    int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
    if (timeout_seconds > 0 && pidfd >= 0) {
        struct pollfd p = {pidfd, POLLIN, 0};
        int rc;
        while ((rc = poll(&p, 1, timeout_seconds * 1000)) < 0 && errno == EINTR) {}
        if (rc == 0) {
            kill(pid, SIGKILL);
            waitpid(pid, NULL, 0);
            close(pidfd);
            snprintf(err, errlen, "hook %s timed out after %d s", path, timeout_seconds);
            return -1;
        }
    }
    if (pidfd >= 0) close(pidfd);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return exit_code(status);
}

int dbx_wait_forwarding(pid_t child) {
    sigset_t fwd, old;
    dbx_forwarded_signals(&fwd);
    sigprocmask(SIG_BLOCK, &fwd, &old);
    int sfd = signalfd(-1, &fwd, SFD_CLOEXEC);
    int status = 0;
    for (;;) {
        pid_t p = waitpid(child, &status, WNOHANG);
        if (p == child) break;
        if (p < 0 && errno != EINTR) { status = DBX_EXIT_SETUP << 8; break; }
        struct signalfd_siginfo si;
        if (sfd < 0 || read(sfd, &si, sizeof si) != sizeof si) continue;
        if (si.ssi_signo == SIGCHLD || si.ssi_signo == SIGWINCH) continue;
        // The terminal already signalled the whole foreground group.
        if (si.ssi_code == SI_KERNEL) continue;
        kill(child, (int)si.ssi_signo);
    }
    if (sfd >= 0) close(sfd);
    sigprocmask(SIG_SETMASK, &old, NULL);
    return exit_code(status);
}

int dbx_connect_unix(const char *path) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) return -ENAMETOOLONG;
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -errno;
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        close(fd);
        return -e;
    }
    return fd;
}

int dbx_kill(pid_t pid, int sig) { return kill(pid, sig) == 0 ? 0 : -errno; }

void dbx_close_fds_except(const int *keep, size_t n) {
    // The supervisor outlives its caller: it must not hold the caller's
    // pipes or sockets (a parent waiting for EOF would wait for the container).
    unsigned int next = 3;
    for (;;) {
        int low = -1;
        for (size_t i = 0; i < n; i++)
            if (keep[i] >= (int)next && (low < 0 || keep[i] < low)) low = keep[i];
        unsigned int last = low < 0 ? ~0U : (unsigned int)low - 1;
        if (next <= last && syscall(SYS_close_range, next, last, 0U) < 0)
            for (unsigned int fd = next; fd <= last && fd < 65536; fd++) close((int)fd);
        if (low < 0) return;
        next = (unsigned int)low + 1;
    }
}
