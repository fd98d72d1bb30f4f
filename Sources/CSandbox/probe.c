// Probes for `devbox doctor` and for where `--rm` keeps its upper layer: try
// the real thing in a throwaway child with its own user and mount namespaces.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

// What the child reports on its pipe: the step that failed and its errno.
struct probe_result {
    int step;
    int err;
};

enum {
    STEP_OK = 0,
    STEP_USERNS,
    STEP_IDMAP,
    STEP_PRIVATE,
    STEP_TMPFS,
    STEP_LAYERS,
    STEP_MOUNT,
    STEP_WRITE,
    STEP_REMOVE,
    STEP_RECREATE,
    STEP_HIDDEN,
    STEP_FILE_TO_DIR,
    STEP_RENAME,
    STEP_DEVICE,
};

static const char *const step_text[] = {
    [STEP_OK] = "ok",
    [STEP_USERNS] = "cannot create a user namespace",
    [STEP_IDMAP] = "cannot write an id map",
    [STEP_PRIVATE] = "cannot make mounts private",
    [STEP_TMPFS] = "cannot mount a tmpfs in a user namespace",
    [STEP_LAYERS] = "cannot create the probe's layer directories",
    [STEP_MOUNT] = "the kernel refused an overlay mount in a user namespace",
    [STEP_WRITE] = "cannot write a file through the overlay",
    [STEP_REMOVE] = "rm -rf of a lower directory failed",
    [STEP_RECREATE] = "mkdir of a directory just removed failed",
    [STEP_HIDDEN] = "a recreated directory still shows the lower layer's files",
    [STEP_FILE_TO_DIR] = "mkdir where a lower file was deleted failed",
    [STEP_RENAME] = "renaming a lower directory failed",
    [STEP_DEVICE] = "a lower file and its directory have different st_dev",
};

static int write_proc(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

static int make_file(const char *dir, const char *name) {
    char path[4200];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    int ok = write(fd, "x\n", 2) == 2;
    close(fd);
    return ok ? 0 : -1;
}

static int at(char *buf, size_t len, const char *base, const char *name) {
    return snprintf(buf, len, "%s/%s", base, name) < (int)len ? 0 : -1;
}

// d/{f, sub/g}: a populated directory to rm -rf; r/f: one to rename;
// k/f: one left alone; x: a file replaced by a directory.
static int populate(const char *lower) {
    char p[4200];
    static const char *const dirs[] = {"", "d", "d/sub", "r", "k"};
    for (size_t i = 0; i < sizeof dirs / sizeof dirs[0]; i++) {
        if (at(p, sizeof p, lower, dirs[i]) < 0 || (mkdir(p, 0755) < 0 && errno != EEXIST)) return -1;
    }
    static const char *const files[] = {"d/f", "d/sub/g", "r/f", "k/f", "x"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        if (make_file(lower, files[i]) < 0) return -1;
    }
    return 0;
}

// What `rm -rf`, `mkdir` and `mv` do through the overlay. Each step is one
// that made overlayfs answer EIO when its upper filesystem cannot hold
// `user.overlay.*` xattrs (tmpfs before Linux 6.6): whiteouts in a copied-up
// directory, an opaque directory over a deleted one, a renamed directory.
static int exercise(const char *m) {
    char a[4200], b[4200];
    if (make_file(m, "written") < 0) return STEP_WRITE;
    // rm -rf d: files first, then the emptied directories.
    static const char *const doomed[] = {"d/sub/g", "d/sub", "d/f", "d"};
    static const int is_dir[] = {0, 1, 0, 1};
    for (size_t i = 0; i < sizeof doomed / sizeof doomed[0]; i++) {
        at(a, sizeof a, m, doomed[i]);
        if ((is_dir[i] ? rmdir(a) : unlink(a)) < 0) return STEP_REMOVE;
    }
    at(a, sizeof a, m, "d");
    if (mkdir(a, 0755) < 0 || make_file(a, "new") < 0) return STEP_RECREATE;
    at(b, sizeof b, m, "d/f");
    if (access(b, F_OK) == 0 || errno != ENOENT) return STEP_HIDDEN;
    at(a, sizeof a, m, "x");
    if (unlink(a) < 0 || mkdir(a, 0755) < 0) return STEP_FILE_TO_DIR;
    // Without redirect_dir (never on in a user namespace) the kernel answers
    // EXDEV and mv copies, then removes: do the same.
    at(a, sizeof a, m, "r");
    at(b, sizeof b, m, "r2");
    if (rename(a, b) < 0) {
        char f[4200];
        at(f, sizeof f, m, "r/f");
        if (errno != EXDEV || mkdir(b, 0755) < 0 || make_file(b, "f") < 0 || unlink(f) < 0 || rmdir(a) < 0)
            return STEP_RENAME;
    }
    struct stat dir, file;
    at(a, sizeof a, m, "k");
    at(b, sizeof b, m, "k/f");
    if (stat(a, &dir) < 0 || stat(b, &file) < 0) return STEP_DEVICE;
    if (dir.st_dev != file.st_dev) {
        errno = 0;
        return STEP_DEVICE;
    }
    return STEP_OK;
}

static int probe_child(const char *scratch, int tmpfs, const char *const dirs[4], const char *options) {
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) return STEP_USERNS;
    // Only ourselves mapped: what devbox does without subordinate ids.
    char map[64];
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if (write_proc("/proc/self/uid_map", map) < 0) return STEP_IDMAP;
    write_proc("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if (write_proc("/proc/self/gid_map", map) < 0) return STEP_IDMAP;
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return STEP_PRIVATE;
    // A fresh tmpfs, as the container's scratch space is; it lives and dies
    // with this child's mount namespace, so nothing needs removing.
    if (tmpfs && mount("tmpfs", scratch, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0700") < 0) return STEP_TMPFS;
    for (int i = 1; i < 4; i++) {
        if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST) return STEP_LAYERS;
    }
    if (populate(dirs[0]) < 0) return STEP_LAYERS;
    if (mount("overlay", dirs[3], "overlay", 0, options) < 0) return STEP_MOUNT;
    return exercise(dirs[3]);
}

int dbx_probe_overlay(const char *scratch, int tmpfs, const char *lower, const char *upper, const char *work,
                      const char *merged, const char *options, char *errbuf, size_t errlen) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) {
        snprintf(errbuf, errlen, "pipe: %s", strerror(errno));
        return -1;
    }
    pid_t pid = fork();
    if (pid < 0) {
        snprintf(errbuf, errlen, "fork: %s", strerror(errno));
        close(fds[0]);
        close(fds[1]);
        return -1;
    }
    if (pid == 0) {
        const char *const dirs[4] = {lower, upper, work, merged};
        struct probe_result r;
        r.step = probe_child(scratch, tmpfs, dirs, options);
        r.err = errno;
        (void)!write(fds[1], &r, sizeof r);
        _exit(0);
    }
    close(fds[1]);
    struct probe_result r = {.step = -1, .err = 0};
    ssize_t n;
    while ((n = read(fds[0], &r, sizeof r)) < 0 && errno == EINTR) {}
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    if (n != (ssize_t)sizeof r || r.step < 0 || r.step > STEP_DEVICE) {
        snprintf(errbuf, errlen, "the probe process died");
        return -1;
    }
    if (r.step == STEP_OK) return 0;
    if (r.err != 0) {
        snprintf(errbuf, errlen, "%s: %s", step_text[r.step], strerror(r.err));
    } else {
        snprintf(errbuf, errlen, "%s", step_text[r.step]);
    }
    if (r.step < STEP_MOUNT) return 1;
    if (r.step == STEP_MOUNT) return 2;
    return r.step == STEP_DEVICE ? 4 : 3;
}
