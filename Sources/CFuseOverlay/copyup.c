// Copy-up: a lower object is rebuilt in work/dbxfuse (data, xattrs, owner,
// mode, times) and only then renamed into the upper, so that no crash ever
// leaves a partial copy under its real name.
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/xattr.h>
#include <unistd.h>

static int copy_data(int src, int dst, off_t size) {
    // A reflink where the filesystem has them (btrfs, xfs): no data moves.
    if (ioctl(dst, FICLONE, src) == 0)
        return 0;
    off_t done = 0;
    while (done < size) {
        ssize_t n = copy_file_range(src, NULL, dst, NULL, (size_t)(size - done), 0);
        if (n < 0) {
            if (done == 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP))
                break;  // across filesystems on old kernels: plain copy below
            return -errno;
        }
        if (n == 0)
            return 0;
        done += n;
    }
    if (done >= size)
        return 0;
    static __thread char buf[1 << 16];
    for (;;) {
        ssize_t n = read(src, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno;
        }
        if (n == 0)
            return 0;
        for (ssize_t w = 0; w < n;) {
            ssize_t k = write(dst, buf + w, (size_t)(n - w));
            if (k < 0)
                return -errno;
            w += k;
        }
    }
}

static int copy_xattrs(int srcfd, const char *dstpath) {
    char src[64];
    ovl_proc_path(src, sizeof src, srcfd);
    ssize_t len = listxattr(src, NULL, 0);
    if (len <= 0)
        return 0;  // none, or a filesystem/type without xattrs
    char *names = malloc((size_t)len), *val = NULL;
    size_t vcap = 0;
    int rc = 0;
    if (!names)
        return -ENOMEM;
    len = listxattr(src, names, (size_t)len);
    for (ssize_t off = 0; len > 0 && off < len; off += (ssize_t)strlen(names + off) + 1) {
        const char *nm = names + off;
        if (ovl_private_xattr(nm) && !ovl_escaped_xattr(nm))
            continue;  // the overlay's own; escaped ones are the user's
        ssize_t vl = getxattr(src, nm, NULL, 0);
        if (vl < 0)
            continue;  // one this process may not read (trusted.* unprivileged)
        if ((size_t)vl > vcap) {
            char *v = realloc(val, (size_t)vl + 1);
            if (!v) {
                rc = -ENOMEM;
                break;
            }
            val = v;
            vcap = (size_t)vl + 1;
        }
        vl = getxattr(src, nm, val, vcap);
        if (vl < 0)
            continue;
        if (lsetxattr(dstpath, nm, val, (size_t)vl, 0) < 0 && errno != EPERM && errno != EACCES && errno != ENOTSUP) {
            rc = -errno;
            break;
        }
    }
    free(names);
    free(val);
    return rc;
}

// Everything but the data, onto dirfd/name (in the work directory).
int ovl_copy_attrs(struct ovl_fs *fs, int srcfd, const struct stat *st, int dirfd, const char *name, int fd, const struct fuse_ctx *ctx) {
    (void)fd;
    char path[4200];
    snprintf(path, sizeof path, "/proc/self/fd/%d/%s", dirfd, name);
    int rc = copy_xattrs(srcfd, path);
    if (rc < 0)
        return rc;
    uid_t uid = st->st_uid;
    gid_t gid = st->st_gid;
    if (fs->squash && ctx) {
        if (uid == fs->overflow_uid)
            uid = ctx->uid;
        if (gid == fs->overflow_gid)
            gid = ctx->gid;
    }
    if (fchownat(dirfd, name, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    // After the chown, which clears set-id bits.
    if (!S_ISLNK(st->st_mode) && fchmodat(dirfd, name, st->st_mode & 07777, 0) < 0)
        return -errno;
    struct timespec ts[2] = {st->st_atim, st->st_mtim};
    if (utimensat(dirfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    return 0;
}

// Builds the copy of n (backed by srcfd) as work/tmp; returns an O_PATH fd.
static int build_copy(struct ovl_fs *fs, int srcfd, const struct stat *st, const char *tmp, const struct fuse_ctx *ctx, bool data) {
    int w = fs->work_fd, rc = 0;
    switch (st->st_mode & S_IFMT) {
    case S_IFDIR:
        if (mkdirat(w, tmp, 0700) < 0)
            return -errno;
        break;
    case S_IFREG: {
        char p[64];
        ovl_proc_path(p, sizeof p, srcfd);
        // An empty file needs no reading: lock files (dpkg's, apt's) are
        // empty and often unreadable to a rootless user (0640 root).
        int in = -1;
        if (data && st->st_size > 0 && (in = ovl_open_noatime(p, O_RDONLY | O_CLOEXEC | O_NOCTTY, true)) < 0)
            return -errno;
        int out = openat(w, tmp, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
        if (out < 0) {
            rc = -errno;
            if (in >= 0) close(in);
            return rc;
        }
        if (data && st->st_size > 0) {
            rc = copy_data(in, out, st->st_size);
            // Kernel overlay syncs a copy-up before it becomes visible too.
            if (rc == 0 && fdatasync(out) < 0)
                rc = -errno;
        }
        if (in >= 0) close(in);
        close(out);
        break;
    }
    case S_IFLNK: {
        char target[4097];
        ssize_t n = readlinkat(srcfd, "", target, sizeof target - 1);
        if (n < 0)
            return -errno;
        target[n] = 0;
        if (symlinkat(target, w, tmp) < 0)
            return -errno;
        break;
    }
    default:
        // fifos, sockets, devices: as themselves (devices fail unprivileged).
        if (mknodat(w, tmp, (st->st_mode & S_IFMT) | 0600, st->st_rdev) < 0)
            return -errno;
    }
    if (rc == 0)
        rc = ovl_copy_attrs(fs, srcfd, st, w, tmp, -1, ctx);
    int fd = rc == 0 ? openat(w, tmp, O_PATH | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (rc == 0 && fd < 0)
        rc = -errno;
    if (rc < 0) {
        ovl_rm_tree(w, tmp);
        return rc;
    }
    return fd;
}

// Makes n (and its parents) exist in the upper. data=false leaves a regular
// file empty (open with O_TRUNC).
int ovl_copy_up(struct ovl_fs *fs, struct ovl_node *n, const struct fuse_ctx *ctx, bool data) {
    if (n == fs->root)
        return 0;
    pthread_mutex_lock(&n->cu);
    pthread_mutex_lock(&fs->lock);
    int layer = n->layer, srcfd = n->fd;
    struct ovl_node *parent = n->parent;
    char *name = strdup(n->name);
    if (layer != 0)
        parent->refs++;
    pthread_mutex_unlock(&fs->lock);
    int rc = 0, fd = -1;
    if (layer == 0 || !name)
        goto out;
    rc = ovl_copy_up(fs, parent, ctx, true);
    if (rc < 0)
        goto unref;
    int updir = ovl_upper_dirfd(fs, parent);
    struct stat st;
    if (updir < 0 || fstat(srcfd, &st) < 0) {
        rc = updir < 0 ? -EIO : -errno;
        goto unref;
    }
    char tmp[64];
    ovl_tmpname(fs, tmp, sizeof tmp);
    fd = build_copy(fs, srcfd, &st, tmp, ctx, data);
    if (fd < 0) {
        rc = fd;
        goto unref;
    }
    pthread_mutex_lock(&fs->tree);
    // NOREPLACE: if the name changed in the upper meanwhile (removed: a
    // whiteout is there now), the copy must not land over it. A file that
    // is still open (written through an fd from before the unlink: the
    // driver sees no opens, so copies up at the first write) lives on
    // nameless, as kernel overlay copies up an unlinked file to a tmpfile.
    if (renameat2(fs->work_fd, tmp, updir, name, RENAME_NOREPLACE) < 0) {
        rc = errno == EEXIST ? -ENOENT : -errno;
        if (rc == -ENOENT && S_ISREG(st.st_mode) && unlinkat(fs->work_fd, tmp, 0) == 0)
            rc = 0;
    }
    pthread_mutex_unlock(&fs->tree);
    if (rc < 0) {
        ovl_rm_tree(fs->work_fd, tmp);
        close(fd);
        goto unref;
    }
    struct stat nst;
    fstat(fd, &nst);
    ovl_node_rekey(fs, n, fd, &nst);
unref:
    ovl_node_unref(fs, parent);
out:
    free(name);
    pthread_mutex_unlock(&n->cu);
    if (rc < 0)
        ovl_log(fs, "copy-up of %s: %s", n->name, strerror(-rc));
    return rc;
}

// Owner and mode of an object just created for the caller: its ids (the
// group of a set-group-id parent, as the filesystem gave it), and the exact
// mode asked for whatever the process umask or the chown did to it.
int ovl_set_owner(struct ovl_fs *fs, int fd, int updirfd, const struct fuse_ctx *ctx, mode_t mode) {
    (void)fs;
    struct stat st, pst;
    if (fstat(fd, &st) < 0)
        return -errno;
    gid_t gid = ctx->gid;
    if (fstat(updirfd, &pst) == 0 && (pst.st_mode & S_ISGID)) {
        gid = pst.st_gid;
        if (S_ISDIR(st.st_mode))
            mode |= S_ISGID;
    }
    if (st.st_uid != ctx->uid || st.st_gid != gid) {
        if (fchownat(fd, "", ctx->uid, gid, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
        if (fstat(fd, &st) < 0)
            return -errno;
    }
    if (!S_ISLNK(st.st_mode) && (st.st_mode & 07777) != (mode & 07777)) {
        char p[64];
        ovl_proc_path(p, sizeof p, fd);
        if (chmod(p, mode & 07777) < 0)
            return -errno;
    }
    return 0;
}
