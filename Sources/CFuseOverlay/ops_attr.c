// Lookup/forget and the attribute operations.
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

void ovl_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name) {
    struct ovl_fs *fs = ovl_fs(req);
    struct fuse_entry_param e;
    int rc = ovl_lookup_entry(fs, ovl_node(fs, parent), name, &e);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_entry(req, &e);
}

void ovl_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup) {
    struct ovl_fs *fs = ovl_fs(req);
    ovl_forget_one(fs, ovl_node(fs, ino), nlookup);
    fuse_reply_none(req);
}

void ovl_op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets) {
    struct ovl_fs *fs = ovl_fs(req);
    for (size_t i = 0; i < count; i++)
        ovl_forget_one(fs, ovl_node(fs, forgets[i].ino), forgets[i].nlookup);
    fuse_reply_none(req);
}

void ovl_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)fi;
    struct ovl_fs *fs = ovl_fs(req);
    struct stat st;
    int rc = ovl_node_stat(fs, ovl_node(fs, ino), &st);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_attr(req, &st, fs->timeout);
}

// Straight on the O_PATH fd where the kernel allows it (fchmodat2 since
// Linux 6.6, utimensat with AT_EMPTY_PATH), else through /proc: a path walk
// through procfs costs more, and setattr is frequent (tar: three per file).
static int fd_chmod(int fd, const char *path, mode_t mode) {
    if (syscall(452 /* fchmodat2 */, fd, "", mode, AT_EMPTY_PATH) == 0)
        return 0;
    if (errno != ENOSYS && errno != EINVAL && errno != EOPNOTSUPP)
        return -1;
    return chmod(path, mode);
}

static int fd_utimens(int fd, const char *path, const struct timespec ts[2]) {
    if (utimensat(fd, "", ts, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOENT)
        return -1;
    return utimensat(AT_FDCWD, path, ts, 0);
}

void ovl_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi) {
    (void)fi;  // files have no handles (iofd.c)
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    // Any change, even of times only, copies up, as under kernel overlay;
    // a truncation to zero need not copy the data it drops.
    bool data = !((to_set & FUSE_SET_ATTR_SIZE) && attr->st_size == 0);
    int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), data);
    // A lower object whose name a rename or unlink took meanwhile: a
    // regular file is copied up nameless (copyup.c); anything else has no
    // place in the upper, and times alone are dropped with it, as kernel
    // overlay drops an unlinked one's (an error here once failed apt's
    // close(2) after it replaced /var/lib/apt/extended_states).
    const int times = FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME | FUSE_SET_ATTR_ATIME_NOW | FUSE_SET_ATTR_MTIME_NOW | FUSE_SET_ATTR_CTIME;
    if (rc == -ENOENT && !(to_set & ~times)) {
        rc = 0;
        goto out;
    }
    if (rc < 0)
        goto out;
    pthread_mutex_lock(&fs->lock);
    int fd = n->fd;
    pthread_mutex_unlock(&fs->lock);
    char path[64];
    ovl_proc_path(path, sizeof path, fd);
    if ((to_set & FUSE_SET_ATTR_MODE) && !S_ISLNK(n->type) && fd_chmod(fd, path, attr->st_mode & 07777) < 0) {
        rc = -errno;
        goto out;
    }
    if (to_set & (FUSE_SET_ATTR_UID | FUSE_SET_ATTR_GID)) {
        uid_t uid = (to_set & FUSE_SET_ATTR_UID) ? attr->st_uid : (uid_t)-1;
        gid_t gid = (to_set & FUSE_SET_ATTR_GID) ? attr->st_gid : (gid_t)-1;
        if (fchownat(fd, "", uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0) {
            rc = -errno;
            goto out;
        }
    }
    if (to_set & FUSE_SET_ATTR_SIZE) {
        if (truncate(path, attr->st_size) < 0) {
            rc = -errno;
            goto out;
        }
    }
    if (to_set & (FUSE_SET_ATTR_ATIME | FUSE_SET_ATTR_MTIME)) {
        struct timespec ts[2] = {{0, UTIME_OMIT}, {0, UTIME_OMIT}};
        if (to_set & FUSE_SET_ATTR_ATIME)
            ts[0] = (to_set & FUSE_SET_ATTR_ATIME_NOW) ? (struct timespec){0, UTIME_NOW} : attr->st_atim;
        if (to_set & FUSE_SET_ATTR_MTIME)
            ts[1] = (to_set & FUSE_SET_ATTR_MTIME_NOW) ? (struct timespec){0, UTIME_NOW} : attr->st_mtim;
        if (fd_utimens(fd, path, ts) < 0) {
            rc = -errno;
            goto out;
        }
    }
out:
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    struct stat st;
    rc = ovl_node_stat(fs, n, &st);
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_attr(req, &st, fs->timeout);
}

void ovl_op_readlink(fuse_req_t req, fuse_ino_t ino) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    pthread_mutex_lock(&fs->lock);
    int fd = n->fd;
    pthread_mutex_unlock(&fs->lock);
    char buf[4097];
    ssize_t len = readlinkat(fd, "", buf, sizeof buf - 1);
    if (len < 0) {
        fuse_reply_err(req, errno);
        return;
    }
    buf[len] = 0;
    fuse_reply_readlink(req, buf);
}

void ovl_op_statfs(fuse_req_t req, fuse_ino_t ino) {
    (void)ino;
    struct ovl_fs *fs = ovl_fs(req);
    struct statvfs sv;
    if (fstatvfs(fs->root_fds[0], &sv) < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_statfs(req, &sv);
}

// With default_permissions the kernel checks access itself.
void ovl_op_access(fuse_req_t req, fuse_ino_t ino, int mask) {
    (void)ino;
    (void)mask;
    fuse_reply_err(req, 0);
}
