// The user-namespace holder: a tiny idle process that keeps a mapped user
// namespace alive so later runs can setns(2) into it instead of paying for
// newuidmap/newgidmap (setuid programs, ~2.5 ms per run). Rootless podman's
// "pause" process does the same. It exits on its own once no process has
// used the namespace for idle_seconds.
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int read_full(int fd, void *buf, size_t len) {
    char *p = buf;
    while (len > 0) {
        ssize_t n = read(fd, p, len);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

// Whether any other process is in the user namespace `self` names (the
// holder's own maker of network namespaces aside).
static int namespace_in_use(const char *self, pid_t maker) {
    DIR *proc = opendir("/proc");
    if (!proc) return 1;
    pid_t me = getpid();
    int used = 0;
    struct dirent *e;
    while (!used && (e = readdir(proc))) {
        if (e->d_name[0] < '0' || e->d_name[0] > '9' || atoi(e->d_name) == me || atoi(e->d_name) == maker) continue;
        char path[64], link[64];
        snprintf(path, sizeof path, "/proc/%s/ns/user", e->d_name);
        ssize_t n = readlink(path, link, sizeof link - 1);
        if (n <= 0) continue;
        link[n] = '\0';
        used = strcmp(link, self) == 0;
    }
    closedir(proc);
    return used;
}

static void holder_main(int ready_fd, int go_fd, int idle_seconds, const char *socket_prefix) __attribute__((noreturn));
static void holder_main(int ready_fd, int go_fd, int idle_seconds, const char *socket_prefix) {
    prctl(PR_SET_NAME, "devbox-userns");
    if (unshare(CLONE_NEWUSER) < 0) _exit(1);
    // One write (atomic on a pipe): our pid says we are ready to be mapped.
    pid_t me = getpid();
    char c;
    if (write(ready_fd, &me, sizeof me) != sizeof me || read(go_fd, &c, 1) != 1) _exit(1);
    // Hold nothing of the caller's: an inherited pipe end would keep a
    // reader of devbox's output waiting for EOF.
    syscall(SYS_close_range, 0U, ~0U, 0U);
    int null = open("/dev/null", O_RDWR);
    if (null >= 0) { dup2(null, 0); dup2(null, 1); dup2(null, 2); if (null > 2) close(null); }
    if (chdir("/") < 0) _exit(1);
    // Re-exec under a plain name, so ps and pgrep -f show what this is and
    // not the command line of the run that started it.
    char idle[16];
    snprintf(idle, sizeof idle, "%d", idle_seconds);
    char *argv[] = {"devbox-userns", idle, (char *)(socket_prefix ? socket_prefix : ""), NULL};
    char *envp[] = {NULL};
    execve("/proc/self/exe", argv, envp);
    dbx_holder_idle(idle_seconds, socket_prefix);
}

void dbx_holder_idle(int idle_seconds, const char *socket_prefix) {
    prctl(PR_SET_NAME, "devbox-userns");  // exec named us after /proc/self/exe
    char self[64] = {0};
    if (readlink("/proc/self/ns/user", self, sizeof self - 1) <= 0) _exit(1);
    struct dbx_netspare spare;
    dbx_netspare_open(&spare, socket_prefix);
    int idle = 0;
    // Looked at every 15 s, or sooner when it may idle less than that.
    int tick = idle_seconds > 0 && idle_seconds < 15 ? idle_seconds : 15;
    for (;;) {
        dbx_netspare_wait(&spare, tick);
        idle = spare.served || namespace_in_use(self, spare.maker_pid) ? 0 : idle + tick;
        spare.served = 0;
        if (idle >= idle_seconds) {
            dbx_netspare_close(&spare);
            _exit(0);
        }
    }
}

pid_t dbx_spawn_userns_holder(const char *const *newuidmap_argv, const char *const *newgidmap_argv,
                              int idle_seconds, const char *socket_prefix, char *err, size_t errlen) {
    int ready[2], go[2];
    if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(go, O_CLOEXEC) < 0) {
        snprintf(err, errlen, "cannot create pipes: %s", strerror(errno));
        return -1;
    }
    // Double fork: the holder is nobody's child, so no devbox waits for it.
    pid_t middle = fork();
    if (middle < 0) {
        snprintf(err, errlen, "cannot fork: %s", strerror(errno));
        return -1;
    }
    if (middle == 0) {
        setsid();
        pid_t holder = fork();
        if (holder == 0) {
            close(ready[0]);
            close(go[1]);
            holder_main(ready[1], go[0], idle_seconds, socket_prefix);
        }
        _exit(holder > 0 ? 0 : 1);
    }
    close(ready[1]);
    close(go[0]);
    waitpid(middle, NULL, 0);
    pid_t holder = -1;
    int ok = read_full(ready[0], &holder, sizeof holder) == 0 && holder > 0;
    if (!ok) {
        snprintf(err, errlen, "the user namespace holder did not start");
    } else {
        pid_t u = dbx_spawn_map_helper(newuidmap_argv, holder, err, errlen);
        pid_t g = u > 0 ? dbx_spawn_map_helper(newgidmap_argv, holder, err, errlen) : -1;
        if (u < 0 || dbx_wait_map_helper(u, newuidmap_argv[0], err, errlen) < 0) ok = 0;
        if (g < 0 || dbx_wait_map_helper(g, newgidmap_argv[0], err, errlen) < 0) ok = 0;
    }
    if (ok && write(go[1], "g", 1) != 1) ok = 0;
    close(ready[0]);
    close(go[1]);
    if (!ok) {
        if (holder > 0) kill(holder, SIGKILL);
        return -1;
    }
    return holder;
}

