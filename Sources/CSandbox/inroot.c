// Paths inside the container's root, resolved inside it.
//
// While the root is assembled at /newroot the host's tree is reachable at
// /oldroot, and what lies in the root comes from an image or from a layer
// an earlier run wrote: a symlink there may point anywhere, "/oldroot/etc"
// included. So every path that setup creates, opens or mounts onto below
// /newroot is resolved by the kernel with the root as its "/" (openat2's
// RESOLVE_IN_ROOT: absolute symlinks and ".." stop at the root), objects are
// created relative to a directory fd resolved that way, and mounts are
// attached to the resulting fd (move_mount), never to a path string the
// kernel would walk again (runc's CVE-2021-30465). Missing directories are
// created where a symlink in the root leads, as in the root's own view.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define NEWROOT "/newroot"
// Symlinks followed while creating one path, as the kernel's own limit.
#define MAX_LINKS 40

static int root_fd = -1;

void dbx_root_changed(void) {
    if (root_fd >= 0) close(root_fd);
    root_fd = -1;
}

static int the_root(void) {
    if (root_fd < 0) root_fd = open(NEWROOT, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return root_fd;
}

int dbx_root_open(const char *rel, int flags, int no_symlinks) {
    int root = the_root();
    if (root < 0) return -errno;
    if (*rel == '\0') {
        int fd = fcntl(root, F_DUPFD_CLOEXEC, 3);
        return fd < 0 ? -errno : fd;
    }
    static int no_openat2;
    if (!no_openat2) {
        struct open_how how;
        memset(&how, 0, sizeof how);
        how.flags = (uint64_t)(flags | O_CLOEXEC);
        how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS | (no_symlinks ? RESOLVE_NO_SYMLINKS : 0);
        // EAGAIN: a rename or mount somewhere on the machine raced a ".." of
        // this walk and the kernel could not prove it stayed inside. Retry.
        int fd, tries = 0;
        do fd = (int)syscall(SYS_openat2, root, rel, &how, sizeof how);
        while (fd < 0 && errno == EAGAIN && ++tries < 1000);
        if (fd >= 0) return fd;
        // Refused as a call (Linux < 5.6, valgrind, an older runtime's
        // filter), not for this path: walk it ourselves from now on.
        if (errno != ENOSYS && errno != EPERM) return -errno;
        no_openat2 = 1;
    }
    return dbx_root_walk(root, rel, flags, no_symlinks);
}

// "a/b/c" -> parent "a/b" (or "" for the root) and name "c", in buf. A
// name of "." or ".." never needs creating: such a path exists whenever
// its parent does, so it cannot reach a split.
static int split(const char *rel, char *buf, size_t len, const char **parent, const char **name) {
    size_t n = strlen(rel);
    while (n > 0 && rel[n - 1] == '/') n--;
    if (n == 0) return -EINVAL;
    if (n >= len) return -ENAMETOOLONG;
    memcpy(buf, rel, n);
    buf[n] = '\0';
    char *slash = strrchr(buf, '/');
    if (slash) {
        *slash = '\0';
        *parent = buf;
        *name = slash + 1;
    } else {
        *parent = "";
        *name = buf;
    }
    return strcmp(*name, ".") == 0 || strcmp(*name, "..") == 0 ? -EINVAL : 0;
}

// Where the symlink `name` in `dir` (at `parent` in the root) leads, as a
// path relative to the root; the kernel's RESOLVE_IN_ROOT resolves it.
static int link_target(int dir, const char *parent, const char *name, char *out, size_t len) {
    char target[4096];
    ssize_t n = readlinkat(dir, name, target, sizeof target - 1);
    if (n < 0) return -errno;
    target[n] = '\0';
    int w = target[0] == '/' ? snprintf(out, len, "%s", target + 1)
                             : snprintf(out, len, "%s%s%s", parent, *parent ? "/" : "", target);
    return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

// Creates `name` in `dir`: a directory, or an empty regular file. 0, or
// -EEXIST when something is there already, or -errno.
static int create_at(int dir, const char *name, int is_dir, mode_t mode) {
    if (is_dir) return mkdirat(dir, name, mode) == 0 ? 0 : -errno;
    int fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) return -errno;
    close(fd);
    return 0;
}

// Opens (O_PATH) the directory or file `rel` inside the root, creating
// what is missing: parents as directories, the last component as asked.
static int create_in_root(const char *rel, int is_dir, mode_t mode, int links) {
    int flags = O_PATH | (is_dir ? O_DIRECTORY : 0);
    int fd = dbx_root_open(rel, flags, 0);
    if (fd != -ENOENT) return fd;
    if (links > MAX_LINKS) return -ELOOP;
    char buf[4096];
    const char *parent, *name;
    int rc = split(rel, buf, sizeof buf, &parent, &name);
    if (rc < 0) return rc;
    // Directly below the root, the root's own fd serves: no copy to make
    // and close (most mountpoints of the host image are there).
    int owned = *parent != '\0';
    int dir = owned ? create_in_root(parent, 1, 0755, links) : the_root();
    if (dir < 0) return owned ? dir : -errno;
    if ((rc = create_at(dir, name, is_dir, mode)) < 0 && rc != -EEXIST) {
        if (owned) close(dir);
        return rc;
    }
    fd = dbx_root_open(rel, flags, 0);
    if (fd == -ENOENT) {
        // Something is there and the walk still ends nowhere: a symlink
        // whose target is missing. Create that target, inside.
        char target[4096];
        rc = link_target(dir, parent, name, target, sizeof target);
        if (owned) close(dir);
        return rc < 0 ? rc : create_in_root(target, is_dir, mode, links + 1);
    }
    if (owned) close(dir);
    return fd;
}

int dbx_root_mkdirs(const char *rel, mode_t mode) { return create_in_root(rel, 1, mode, 0); }

int dbx_root_mkfile(const char *rel) { return create_in_root(rel, 0, 0644, 0); }

// The directory `rel` lives in, created inside the root if missing, and
// its last component (in buf).
static int open_parent(const char *rel, char *buf, size_t len, const char **name) {
    const char *parent;
    int rc = split(rel, buf, len, &parent, name);
    return rc < 0 ? rc : dbx_root_mkdirs(parent, 0755);
}

int dbx_root_symlink(const char *target, const char *rel) {
    char buf[4096];
    const char *name;
    int dir = open_parent(rel, buf, sizeof buf, &name);
    if (dir < 0) return dir;
    struct stat st;
    // Something already there (the image's own) stays.
    int rc = fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 || symlinkat(target, dir, name) == 0 ? 0 : -errno;
    close(dir);
    return rc;
}

int dbx_root_write(const char *rel, const char *data, mode_t mode) {
    int fd = dbx_root_open(rel, O_WRONLY | O_TRUNC | O_NOFOLLOW, 0);
    if (fd == -ENOENT) {
        char buf[4096];
        const char *name;
        int dir = open_parent(rel, buf, sizeof buf, &name);
        if (dir < 0) return dir;
        fd = openat(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
        if (fd < 0) fd = -errno;
        close(dir);
    }
    if (fd < 0) return fd;
    int rc = dbx_write_all(fd, data);
    close(fd);
    return rc;
}
