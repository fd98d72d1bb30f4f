// File operations for layer unpacking that must stay inside the layer's
// directory even when earlier entries of a hostile archive planted symlinks:
// every path is resolved with openat2(RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS)
// from the layer's root. libarchive's own secure-extraction flags cover the
// ordinary entries; these cover what libarchive does not know (OCI whiteouts).
#define _GNU_SOURCE
#include "csyscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static int open_beneath(int root, const char *path, int flags) {
    struct open_how how = {0};
    how.flags = (uint64_t)(flags | O_CLOEXEC | O_NOFOLLOW);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    int fd = (int)syscall(SYS_openat2, root, path, &how, sizeof how);
    return fd < 0 ? -errno : fd;
}

// Opens directory `path` below root, creating missing components (0755).
int dbx_layer_open_dir(int root, const char *path) {
    if (path[0] == '\0' || strcmp(path, ".") == 0) {
        int fd = fcntl(root, F_DUPFD_CLOEXEC, 0);
        return fd < 0 ? -errno : fd;
    }
    int fd = open_beneath(root, path, O_RDONLY | O_DIRECTORY);
    if (fd != -ENOENT) return fd;
    char parent[4096];
    size_t len = strlen(path);
    if (len >= sizeof parent) return -ENAMETOOLONG;
    memcpy(parent, path, len + 1);
    char *slash = strrchr(parent, '/');
    const char *name = path;
    int pfd;
    if (slash) {
        *slash = '\0';
        name = slash + 1;
        pfd = dbx_layer_open_dir(root, parent);
    } else {
        pfd = fcntl(root, F_DUPFD_CLOEXEC, 0);
        if (pfd < 0) pfd = -errno;
    }
    if (pfd < 0) return pfd;
    if (mkdirat(pfd, name, 0755) < 0 && errno != EEXIST) {
        int e = errno;
        close(pfd);
        return -e;
    }
    fd = open_beneath(pfd, name, O_RDONLY | O_DIRECTORY);
    close(pfd);
    return fd;
}

// An overlayfs whiteout (character device 0/0) named `name` in `dir`.
// Creating one needs no privilege since Linux 5.8.
int dbx_layer_whiteout(int root, const char *dir, const char *name) {
    int fd = dbx_layer_open_dir(root, dir);
    if (fd < 0) return fd;
    unlinkat(fd, name, 0);
    int rc = mknodat(fd, name, S_IFCHR | 0000, makedev(0, 0)) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

// Marks `dir` opaque for overlayfs mounted with userxattr (devbox always
// mounts that way, as root too, so one layer format serves both).
int dbx_layer_opaque(int root, const char *dir) {
    int fd = dbx_layer_open_dir(root, dir);
    if (fd < 0) return fd;
    int rc = fsetxattr(fd, "user.overlay.opaque", "y", 1, 0) < 0 ? -errno : 0;
    close(fd);
    return rc;
}

// chmod of an entry below root without following symlinks (restores setuid
// bits libarchive drops when it may not restore the owner).
int dbx_layer_chmod(int root, const char *path, unsigned int mode) {
    int fd = open_beneath(root, path, O_PATH);
    if (fd < 0) return fd;
    char proc[64];
    snprintf(proc, sizeof proc, "/proc/self/fd/%d", fd);
    struct stat st;
    int rc = 0;
    if (fstat(fd, &st) == 0 && !S_ISLNK(st.st_mode) && chmod(proc, mode) < 0) rc = -errno;
    close(fd);
    return rc;
}

// Starts writing a range of a file to disk without waiting, so a later
// fsync(2) finds little left to do (sync_file_range is glibc-only, _GNU_SOURCE).
int dbx_start_writeback(int fd, long long offset, long long length) {
    return sync_file_range(fd, offset, length, SYNC_FILE_RANGE_WRITE) == 0 ? 0 : -errno;
}
