// Small helpers over the layers' on-disk format and the process's fds.
#include "ovl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

// O_PATH fds cannot be used with f*xattr, fchmod or futimens; the
// /proc/self/fd magic link resolves to the very inode (a symlink included,
// which is not followed further), so the path forms of those calls act on it.
int ovl_proc_path(char *buf, size_t size, int fd) {
    int n = snprintf(buf, size, "/proc/self/fd/%d", fd);
    return (n < 0 || (size_t)n >= size) ? -ENAMETOOLONG : 0;
}

int ovl_is_whiteout(int dirfd, const char *name, const struct stat *st, bool xwh) {
    if (S_ISCHR(st->st_mode))
        return st->st_rdev == makedev(0, 0);
    // Newer kernels also read a zero-size file marked with an xattr as a
    // whiteout, but only in directories flagged opaque "x", which keeps this
    // extra syscall off ordinary empty files.
    if (!xwh || !S_ISREG(st->st_mode) || st->st_size != 0)
        return 0;
    char path[4200];
    if (snprintf(path, sizeof path, "/proc/self/fd/%d/%s", dirfd, name) >= (int)sizeof path)
        return 0;
    return lgetxattr(path, OVL_XATTR_WHITEOUT, NULL, 0) >= 0;
}

int ovl_opaque_value(int fd) {
    char path[64], v[8];
    ovl_proc_path(path, sizeof path, fd);
    ssize_t n = getxattr(path, OVL_XATTR_OPAQUE, v, sizeof v);
    if (n == 1 && (v[0] == 'y' || v[0] == 'x'))
        return v[0];
    return 0;
}

// A whiteout as the kernel makes it: char device 0/0, mode 0. mknod of 0/0 is
// allowed in a user namespace since Linux 5.8; where it is not, the xattr form,
// which a kernel reads only when the final parent directory says opaque "x".
int ovl_mk_whiteout(struct ovl_fs *fs, int dirfd, const char *name, int upperdirfd_for_x) {
    (void)fs;
    if (mknodat(dirfd, name, S_IFCHR | 0, makedev(0, 0)) == 0)
        return 0;
    if (errno != EPERM)
        return -errno;
    int fd = openat(dirfd, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0);
    if (fd < 0)
        return -errno;
    int rc = fsetxattr(fd, OVL_XATTR_WHITEOUT, "y", 1, 0) < 0 ? -errno : 0;
    close(fd);
    if (rc == 0 && upperdirfd_for_x >= 0 && ovl_opaque_value(upperdirfd_for_x) == 0) {
        char path[64];
        ovl_proc_path(path, sizeof path, upperdirfd_for_x);
        if (setxattr(path, OVL_XATTR_OPAQUE, "x", 1, 0) < 0)
            rc = -errno;
    }
    if (rc < 0)
        unlinkat(dirfd, name, 0);
    return rc;
}

int ovl_tmpname(struct ovl_fs *fs, char *buf, size_t size) {
    uint64_t n = __atomic_add_fetch(&fs->tmp_seq, 1, __ATOMIC_RELAXED);
    snprintf(buf, size, "t%d.%llu", (int)getpid(), (unsigned long long)n);
    return 0;
}

// Removes name under dirfd and everything below it, without following links.
int ovl_rm_tree(int parent, const char *name) {
    if (unlinkat(parent, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return -errno;
    int fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    DIR *d = fdopendir(fd);
    if (!d) {
        close(fd);
        return -errno;
    }
    struct dirent *de;
    int rc = 0;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        int r = ovl_rm_tree(dirfd(d), de->d_name);
        if (r < 0)
            rc = r;
    }
    closedir(d);
    if (unlinkat(parent, name, AT_REMOVEDIR) < 0 && rc == 0)
        rc = -errno;
    return rc;
}

bool ovl_private_xattr(const char *name) {
    return strncmp(name, OVL_XATTR_PREFIX, sizeof OVL_XATTR_PREFIX - 1) == 0;
}

// O_NOATIME needs ownership or CAP_FOWNER over the file: without, plain open.
int ovl_open_noatime(const char *path, int flags, bool noatime) {
    if (noatime) {
        int fd = open(path, flags | O_NOATIME);
        if (fd >= 0 || errno != EPERM)
            return fd;
    }
    return open(path, flags);
}

bool ovl_escaped_xattr(const char *name) {
    return strncmp(name, OVL_XATTR_ESCAPE, sizeof OVL_XATTR_ESCAPE - 1) == 0;
}

void ovl_log(struct ovl_fs *fs, const char *fmt, ...) {
    if (!fs->debug)
        return;
    va_list ap;
    va_start(ap, fmt);
    fputs("dbx-fuse-overlay: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

// Creating ops pass modes the kernel already masked; the process umask must
// not mask them again, and it is process-wide, so each worker thread takes a
// private fs_struct once and clears its own.
void ovl_thread_init(void) {
    static __thread bool done;
    if (done)
        return;
    done = true;
    if (unshare(CLONE_FS) == 0)
        umask(0);
}
