// Creating and removing names: new objects go to the upper (replacing an
// upper whiteout atomically), removed lower names leave whiteouts.
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

static fuse_ino_t id_of(struct ovl_fs *fs, struct ovl_node *n) {
    return n == fs->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

// The upper directory of dir, copied up first: what every new object is made in.
static int upper_of(fuse_req_t req, struct ovl_node *dir) {
    struct ovl_fs *fs = ovl_fs(req);
    ovl_thread_init();
    int rc = ovl_copy_up(fs, dir, fuse_req_ctx(req), true);
    if (rc < 0)
        return rc;
    int updir = ovl_upper_dirfd(fs, dir);
    return updir < 0 ? -EIO : updir;
}

// make() creates the object at dirfd/name. Over an upper whiteout it is built
// in the work directory first (a directory also marked opaque, as kernel
// overlay does, so the lower one it replaces stays hidden) and swapped in.
int ovl_create_common(fuse_req_t req, struct ovl_node *dir, const char *name, mode_t mode, ovl_make_fn make, void *arg, bool set_owner, struct fuse_entry_param *e) {
    struct ovl_fs *fs = ovl_fs(req);
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    int rc, updir = upper_of(req, dir);
    if (updir < 0)
        return updir;
    struct ovl_res r;
    pthread_mutex_lock(&fs->tree);
    rc = ovl_resolve(fs, dir, name, false, &r);
    if (rc < 0)
        goto unlock;
    if (r.found) {
        ovl_res_release(&r);
        rc = -EEXIST;
        goto unlock;
    }
    int pfd = -1;
    if (r.upper_whiteout) {
        char tmp[64];
        ovl_tmpname(fs, tmp, sizeof tmp);
        rc = make(fs->work_fd, tmp, arg);
        if (rc < 0)
            goto unlock;
        pfd = openat(fs->work_fd, tmp, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (pfd < 0)
            rc = -errno;
        if (rc == 0 && set_owner)
            rc = ovl_set_owner(fs, pfd, updir, ctx, mode);
        if (rc == 0 && S_ISDIR(mode)) {
            char p[64];
            ovl_proc_path(p, sizeof p, pfd);
            if (setxattr(p, OVL_XATTR_OPAQUE, "y", 1, 0) < 0)
                rc = -errno;
        }
        if (rc == 0) {
            // A directory cannot be renamed over a non-directory: exchange,
            // then drop the whiteout that landed in work.
            if (S_ISDIR(mode)) {
                if (renameat2(fs->work_fd, tmp, updir, name, RENAME_EXCHANGE) < 0)
                    rc = -errno;
                else
                    unlinkat(fs->work_fd, tmp, 0);
            } else if (renameat(fs->work_fd, tmp, updir, name) < 0) {
                rc = -errno;
            }
        }
        if (rc < 0)
            ovl_rm_tree(fs->work_fd, tmp);
    } else {
        rc = make(updir, name, arg);
        if (rc < 0)
            goto unlock;
        pfd = openat(updir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (pfd < 0)
            rc = -errno;
        if (rc == 0 && set_owner)
            rc = ovl_set_owner(fs, pfd, updir, ctx, mode);
        if (rc < 0)
            unlinkat(updir, name, S_ISDIR(mode) ? AT_REMOVEDIR : 0);
    }
    if (rc == 0 && fstat(pfd, &r.st) < 0)
        rc = -errno;
    if (rc < 0) {
        if (pfd >= 0)
            close(pfd);
        goto unlock;
    }
    pthread_mutex_unlock(&fs->tree);
    r.found = true;
    r.fd = pfd;
    r.layer = 0;
    r.ndirs = 0;
    if (S_ISDIR(r.st.st_mode))
        r.dirs[r.ndirs++] = (struct ovl_ldir){pfd, 0, false};
    memset(e, 0, sizeof *e);
    e->attr = r.st;
    ovl_fix_stat(fs, &e->attr, r.ndirs);
    e->attr_timeout = e->entry_timeout = fs->timeout;
    struct ovl_node *n = ovl_node_get(fs, dir, name, &r);
    if (!n)
        return -ENOMEM;
    e->ino = id_of(fs, n);
    return 0;
unlock:
    pthread_mutex_unlock(&fs->tree);
    return rc;
}

// O_TMPFILE: a file with no name in the upper directory of dir (copied up
// first), as kernel overlay makes one. Its node is an upper one like any
// other (keyed by device and inode); linkat() later gives it a name through
// FUSE_LINK, which links the node's file by its /proc/self/fd path.
// *fd_out is the open file (flags), *e the entry of its node.
int ovl_create_tmpfile(fuse_req_t req, struct ovl_node *dir, mode_t mode, int flags, int *fd_out, struct fuse_entry_param *e) {
    struct ovl_fs *fs = ovl_fs(req);
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    int rc, updir = upper_of(req, dir);
    if (updir < 0)
        return updir;
    int fd = openat(updir, ".", (flags & ~(O_CREAT | O_EXCL | O_TRUNC)) | O_TMPFILE | O_NOATIME, mode & 07777);
    if (fd < 0)
        return errno == EISDIR || errno == EINVAL ? -EOPNOTSUPP : -errno;
    char path[64];
    ovl_proc_path(path, sizeof path, fd);
    struct ovl_res r;
    r.fd = open(path, O_PATH | O_CLOEXEC);
    rc = r.fd < 0 ? -errno : ovl_set_owner(fs, r.fd, updir, ctx, S_IFREG | mode);
    if (rc == 0 && fstat(r.fd, &r.st) < 0)
        rc = -errno;
    if (rc < 0) {
        if (r.fd >= 0)
            close(r.fd);
        close(fd);
        return rc;
    }
    r.found = true;
    r.upper_whiteout = r.lower_positive = false;
    r.layer = 0;
    r.ndirs = 0;
    memset(e, 0, sizeof *e);
    e->attr = r.st;
    ovl_fix_stat(fs, &e->attr, 0);
    e->attr_timeout = e->entry_timeout = fs->timeout;
    // Named by nothing: "" opens nothing in any directory.
    struct ovl_node *n = ovl_node_get(fs, dir, "", &r);
    if (!n) {
        close(fd);
        return -ENOMEM;
    }
    e->ino = id_of(fs, n);
    *fd_out = fd;
    return 0;
}

static void reply_entry_or_err(fuse_req_t req, int rc, struct fuse_entry_param *e) {
    if (rc < 0)
        fuse_reply_err(req, -rc);
    else
        fuse_reply_entry(req, e);
}

struct mknod_arg {
    mode_t mode;
    dev_t rdev;
};

static int make_node(int dirfd, const char *name, void *arg) {
    struct mknod_arg *a = arg;
    return mknodat(dirfd, name, a->mode, a->rdev) < 0 ? -errno : 0;
}

void ovl_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev) {
    struct ovl_fs *fs = ovl_fs(req);
    // Kernel overlay refuses to let a whiteout be made through it.
    if (S_ISCHR(mode) && rdev == makedev(0, 0)) {
        fuse_reply_err(req, EPERM);
        return;
    }
    struct mknod_arg a = {(mode & S_IFMT) | (mode & 07777 & ~fuse_req_ctx(req)->umask), rdev};
    struct fuse_entry_param e;
    int rc = ovl_create_common(req, ovl_node(fs, parent), name, a.mode, make_node, &a, true, &e);
    reply_entry_or_err(req, rc, &e);
}

static int make_dir(int dirfd, const char *name, void *arg) {
    return mkdirat(dirfd, name, *(mode_t *)arg & 07777) < 0 ? -errno : 0;
}

void ovl_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode) {
    struct ovl_fs *fs = ovl_fs(req);
    mode_t m = mode & 07777 & ~fuse_req_ctx(req)->umask;
    struct fuse_entry_param e;
    int rc = ovl_create_common(req, ovl_node(fs, parent), name, S_IFDIR | m, make_dir, &m, true, &e);
    reply_entry_or_err(req, rc, &e);
}

static int make_symlink(int dirfd, const char *name, void *arg) {
    return symlinkat((const char *)arg, dirfd, name) < 0 ? -errno : 0;
}

void ovl_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name) {
    struct ovl_fs *fs = ovl_fs(req);
    struct fuse_entry_param e;
    int rc = ovl_create_common(req, ovl_node(fs, parent), name, S_IFLNK | 0777, make_symlink, (void *)link, true, &e);
    reply_entry_or_err(req, rc, &e);
}

static int make_link(int dirfd, const char *name, void *arg) {
    // Through /proc: linkat(AT_EMPTY_PATH) would need CAP_DAC_READ_SEARCH.
    return linkat(AT_FDCWD, (const char *)arg, dirfd, name, AT_SYMLINK_FOLLOW) < 0 ? -errno : 0;
}

void ovl_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), true);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    pthread_mutex_lock(&fs->lock);
    int fd = n->fd;
    pthread_mutex_unlock(&fs->lock);
    char path[64];
    ovl_proc_path(path, sizeof path, fd);
    struct fuse_entry_param e;
    rc = ovl_create_common(req, ovl_node(fs, newparent), newname, n->type, make_link, path, false, &e);
    reply_entry_or_err(req, rc, &e);
}

// Replaces upper dirfd/name by a whiteout in one rename.
static int whiteout_over(struct ovl_fs *fs, int updir, const char *name, bool isdir) {
    char tmp[64];
    ovl_tmpname(fs, tmp, sizeof tmp);
    int rc = ovl_mk_whiteout(fs, fs->work_fd, tmp, updir);
    if (rc < 0)
        return rc;
    if (isdir) {
        if (renameat2(fs->work_fd, tmp, updir, name, RENAME_EXCHANGE) < 0) {
            rc = -errno;
            unlinkat(fs->work_fd, tmp, 0);
            return rc;
        }
        // The old directory, now in work, holds nothing but whiteouts.
        ovl_rm_tree(fs->work_fd, tmp);
        return 0;
    }
    if (renameat(fs->work_fd, tmp, updir, name) < 0) {
        rc = -errno;
        unlinkat(fs->work_fd, tmp, 0);
    }
    return rc;
}

static void do_remove(fuse_req_t req, fuse_ino_t parent, const char *name, bool isdir) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *dir = ovl_node(fs, parent);
    int rc = ovl_copy_up(fs, dir, fuse_req_ctx(req), true);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    int updir = ovl_upper_dirfd(fs, dir);
    struct ovl_res r;
    pthread_mutex_lock(&fs->tree);
    rc = ovl_resolve(fs, dir, name, true, &r);
    if (rc < 0)
        goto out;
    if (!r.found) {
        rc = -ENOENT;
    } else if (isdir != S_ISDIR(r.st.st_mode)) {
        rc = isdir ? -ENOTDIR : -EISDIR;
    } else if (isdir && (rc = ovl_dir_empty(fs, r.dirs, r.ndirs)) < 0) {
        // not empty in the merged view
    } else if (r.lower_positive) {
        if (r.layer == 0)
            rc = whiteout_over(fs, updir, name, isdir);
        else
            rc = ovl_mk_whiteout(fs, updir, name, updir);
    } else if (isdir) {
        rc = ovl_clear_whiteouts(r.dirs[0].fd);
        if (rc == 0 && unlinkat(updir, name, AT_REMOVEDIR) < 0)
            rc = -errno;
    } else if (unlinkat(updir, name, 0) < 0) {
        rc = -errno;
    }
    ovl_res_release(&r);
out:
    pthread_mutex_unlock(&fs->tree);
    fuse_reply_err(req, rc < 0 ? -rc : 0);
}

void ovl_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name) {
    do_remove(req, parent, name, false);
}

void ovl_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name) {
    do_remove(req, parent, name, true);
}
