// The storage probe (`devbox doctor`, `devbox info`): what the kernel and
// the store's filesystem allow for layering, tried for real in a throwaway
// child with its own user and mount namespaces. Each check is one a layer
// driver relies on: an overlay mount in a user namespace (with `userxattr`,
// else without, as distribution kernels before 5.11 want), lower layers
// merged, a kernel-style whiteout (0/0 character device) and an opaque
// directory in the upper honoured, a delete through the merged view,
// renameat2(RENAME_WHITEOUT) and d_type on the store's filesystem.
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT (1 << 2)
#endif

static int put(const char *base, const char *name, int dir) {
    char p[4200];
    if (snprintf(p, sizeof p, "%s/%s", base, name) >= (int)sizeof p) return -1;
    if (dir) return mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
    int fd = open(p, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

static int exists(const char *base, const char *name) {
    char p[4200];
    snprintf(p, sizeof p, "%s/%s", base, name);
    return access(p, F_OK) == 0;
}

static int is_whiteout(const char *path) {
    struct stat st;
    return lstat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0);
}

// `uid`/`gid`: the caller's, read before unshare (after it they read as
// the overflow id until the maps are written).
static int set_id_map(uid_t uid, gid_t gid) {
    char map[64];
    int fd;
    snprintf(map, sizeof map, "0 %u 1", (unsigned)uid);
    if ((fd = open("/proc/self/uid_map", O_WRONLY | O_CLOEXEC)) < 0) return -1;
    int ok = write(fd, map, strlen(map)) == (ssize_t)strlen(map);
    close(fd);
    if ((fd = open("/proc/self/setgroups", O_WRONLY | O_CLOEXEC)) >= 0) {
        (void)!write(fd, "deny", 4);
        close(fd);
    }
    snprintf(map, sizeof map, "0 %u 1", (unsigned)gid);
    if ((fd = open("/proc/self/gid_map", O_WRONLY | O_CLOEXEC)) < 0) return -1;
    ok = ok && write(fd, map, strlen(map)) == (ssize_t)strlen(map);
    close(fd);
    return ok ? 0 : -1;
}

// d_type of `name` in `dir` as readdir reports it (DT_UNKNOWN on
// filesystems without it, such as XFS with ftype=0).
static int dtype_of(const char *dir, const char *name) {
    DIR *d = opendir(dir);
    if (!d) return -1;
    int type = -1;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strcmp(e->d_name, name) == 0) {
            type = e->d_type;
            break;
        }
    }
    closedir(d);
    return type;
}

#define FAIL(field) do { r->field = errno ? errno : EPROTO; return; } while (0)

static void probe(const char *base, struct dbx_storage_report *r) {
    char lower1[4200], lower2[4200], upper[4200], work[4200], merged[4200], path[4200], target[4200];
    snprintf(lower1, sizeof lower1, "%s/l1", base);
    snprintf(lower2, sizeof lower2, "%s/l2", base);
    snprintf(upper, sizeof upper, "%s/u", base);
    snprintf(work, sizeof work, "%s/w", base);
    snprintf(merged, sizeof merged, "%s/m", base);

    // The store's filesystem itself, before any namespace games.
    if (put(base, "renamed-from", 0) < 0) FAIL(setup_errno);
    snprintf(path, sizeof path, "%s/renamed-from", base);
    snprintf(target, sizeof target, "%s/renamed-to", base);
    errno = 0;
    uid_t uid = geteuid();
    gid_t gid = getegid();
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) FAIL(userns_errno);
    if (set_id_map(uid, gid) < 0) FAIL(userns_errno);
    // Not needed for safety (a mount namespace made in a new user namespace
    // gets its parent's mounts as slaves: nothing propagates back), so a
    // refusal here is not the probe's answer.
    (void)mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
    r->dtype = dtype_of(base, "renamed-from");
    if (renameat2(AT_FDCWD, path, AT_FDCWD, target, RENAME_WHITEOUT) < 0) {
        r->rename_whiteout_errno = errno;
    } else if (!is_whiteout(path)) {
        r->rename_whiteout_errno = EPROTO;
    }

    // Layers: l1 (bottom) a/one, gone, c/lower; l2 (top) a/two, del;
    // the upper whites out `gone` and makes `c` opaque over c/lower.
    const char *const dirs[] = {lower1, lower2, upper, work, merged};
    for (size_t i = 0; i < 5; i++) {
        if (mkdir(dirs[i], 0755) < 0 && errno != EEXIST) FAIL(setup_errno);
    }
    if (put(lower1, "a", 1) < 0 || put(lower1, "a/one", 0) < 0 || put(lower1, "gone", 0) < 0 || put(lower1, "c", 1) < 0
        || put(lower1, "c/lower", 0) < 0 || put(lower2, "a", 1) < 0 || put(lower2, "a/two", 0) < 0 || put(lower2, "del", 0) < 0)
        FAIL(setup_errno);
    snprintf(path, sizeof path, "%s/gone", upper);
    if (mknod(path, S_IFCHR | 0000, makedev(0, 0)) < 0) FAIL(whiteout_errno);
    if (put(upper, "c", 1) < 0 || put(upper, "c/upper", 0) < 0) FAIL(setup_errno);
    snprintf(path, sizeof path, "%s/c", upper);
    if (setxattr(path, "user.overlay.opaque", "y", 1, 0) < 0) FAIL(opaque_errno);

    char options[17000];
    snprintf(options, sizeof options, "lowerdir=%s:%s,upperdir=%s,workdir=%s,userxattr", lower2, lower1, upper, work);
    if (mount("overlay", merged, "overlay", 0, options) < 0) {
        r->mount_errno = errno;
        // Distribution kernels before 5.11 that allow overlay in a user
        // namespace do not know `userxattr`.
        options[strlen(options) - strlen(",userxattr")] = 0;
        if (mount("overlay", merged, "overlay", 0, options) < 0) {
            r->mount_plain_errno = errno;
            return;
        }
        r->userxattr = 0;
    } else {
        r->mount_errno = 0;
        r->userxattr = 1;
    }
    r->mounted = 1;
    errno = 0;
    if (!exists(merged, "a/one") || !exists(merged, "a/two")) FAIL(merge_errno);
    errno = 0;
    if (exists(merged, "gone")) FAIL(whiteout_errno);
    errno = 0;
    if (exists(merged, "c/lower") || !exists(merged, "c/upper")) FAIL(opaque_errno);
    snprintf(path, sizeof path, "%s/del", merged);
    if (unlink(path) < 0) FAIL(delete_errno);
    errno = 0;
    snprintf(path, sizeof path, "%s/del", upper);
    if (exists(merged, "del")) FAIL(delete_errno);
    r->delete_whiteout = is_whiteout(path);
    r->works = 1;
}

int dbx_probe_storage(const char *base, struct dbx_storage_report *report) {
    memset(report, 0, sizeof *report);
    report->dtype = -1;
    struct dbx_storage_report *shared = report;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) < 0) return -errno;
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(fds[0]);
        close(fds[1]);
        return -e;
    }
    if (pid == 0) {
        struct dbx_storage_report r;
        memset(&r, 0, sizeof r);
        r.dtype = -1;
        probe(base, &r);
        (void)!write(fds[1], &r, sizeof r);
        _exit(0);
    }
    close(fds[1]);
    ssize_t n;
    while ((n = read(fds[0], shared, sizeof *shared)) < 0 && errno == EINTR) {}
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
    return n == (ssize_t)sizeof *shared ? 0 : -EPROTO;
}

long long dbx_statfs_type(const char *path) {
    struct statfs fs;
    if (statfs(path, &fs) < 0) return -errno;
    return (long long)(unsigned long)fs.f_type & 0xffffffffLL;
}
