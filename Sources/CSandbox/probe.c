// Probes for `devbox doctor`: try the real thing in a throwaway child.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_proc(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

// Child: new user+mount namespace mapping only ourselves (what devbox does
// without subordinate ids), then an overlay with a write through it.
static int overlay_child(const char *lower, const char *upper, const char *work, const char *target) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) return 10;
    char map[64];
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if (write_proc("/proc/self/uid_map", map) < 0) return 11;
    write_proc("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if (write_proc("/proc/self/gid_map", map) < 0) return 11;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return 12;
    char opts[4096];
    snprintf(opts, sizeof opts, "lowerdir=%s,upperdir=%s,workdir=%s,userxattr", lower, upper, work);
    if (mount("overlay", target, "overlay", 0, opts) < 0) return 13;
    char file[4200];
    snprintf(file, sizeof file, "%s/probe", target);
    int fd = open(file, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return 14;
    close(fd);
    return 0;
}

int dbx_probe_userns_overlay(const char *lower, const char *upper, const char *work,
                             const char *target, char *errbuf, size_t errlen) {
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(errbuf, errlen, "fork: %s", strerror(errno));
        return -1;
    }
    if (pid == 0) _exit(overlay_child(lower, upper, work, target));
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 99;
    switch (code) {
    case 0: return 0;
    case 10: snprintf(errbuf, errlen, "cannot create a user namespace"); return 1;
    case 11: snprintf(errbuf, errlen, "cannot write an id map"); return 1;
    case 12: snprintf(errbuf, errlen, "cannot make mounts private"); return 1;
    case 13: snprintf(errbuf, errlen, "the kernel refused an overlay mount in a user namespace"); return 2;
    case 14: snprintf(errbuf, errlen, "cannot write through the overlay"); return 2;
    default: snprintf(errbuf, errlen, "probe failed"); return 3;
    }
}
