// Open files: data goes straight between /dev/fuse and the backing fd
// (spliced where the kernel allows).
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int ovl_open_flags(struct ovl_fs *fs, int flags) {
    flags &= ~(O_CREAT | O_EXCL | O_NOCTTY | O_NOFOLLOW);
    // With the writeback cache the kernel reads pages of write-only files and
    // keeps the file position itself, so the backing fd must be readable and
    // must not append on its own.
    if (fs->writeback) {
        if ((flags & O_ACCMODE) == O_WRONLY)
            flags = (flags & ~O_ACCMODE) | O_RDWR;
        flags &= ~O_APPEND;
    }
    return flags | O_CLOEXEC;
}

static struct ovl_file *file_new(int fd, int layer, int flags) {
    struct ovl_file *f = calloc(1, sizeof *f);
    if (f) {
        f->fd = fd;
        f->old_fd = -1;
        f->layer = layer;
        f->flags = flags;
    }
    return f;
}

void ovl_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    int flags = fi->flags;
    if ((flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC)) {
        int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), !(flags & O_TRUNC));
        if (rc < 0) {
            fuse_reply_err(req, -rc);
            return;
        }
    }
    pthread_mutex_lock(&fs->lock);
    int pfd = n->fd, layer = n->layer;
    pthread_mutex_unlock(&fs->lock);
    char path[64];
    ovl_proc_path(path, sizeof path, pfd);
    int oflags = ovl_open_flags(fs, flags);
    // Lower files are never written, atimes included (kernel overlay opens
    // them O_NOATIME too); reads through a write-only open are the page cache
    // filling partial pages, not the user's.
    bool noatime = layer > 0 || ((flags & O_ACCMODE) == O_WRONLY && fs->writeback);
    int fd = ovl_open_noatime(path, oflags, noatime);
    if (fd < 0) {
        fuse_reply_err(req, errno);
        return;
    }
    struct ovl_file *f = file_new(fd, layer, oflags);
    if (!f) {
        close(fd);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    fi->fh = (uintptr_t)f;
    // Every change goes through this mount, so cached pages stay true.
    fi->keep_cache = 1;
    if (fuse_reply_open(req, fi) == -ENOENT) {
        close(fd);
        free(f);
    }
}

struct create_arg {
    int flags;
    mode_t mode;
    int fd;
};

static int make_file(int dirfd, const char *name, void *arg) {
    struct create_arg *a = arg;
    a->fd = openat(dirfd, name, a->flags | O_CREAT | O_EXCL | O_NOATIME, a->mode & 07777);
    return a->fd < 0 ? -errno : 0;
}

void ovl_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi) {
    struct ovl_fs *fs = ovl_fs(req);
    struct create_arg a = {ovl_open_flags(fs, fi->flags), mode & ~fuse_req_ctx(req)->umask, -1};
    struct fuse_entry_param e;
    bool tmpfile = strcmp(name, OVL_TMPFILE_NAME) == 0;
    if (tmpfile)
        a.flags &= ~O_TMPFILE;  // (with O_DIRECTORY): the handle is a plain open file
    int rc = tmpfile ? ovl_create_tmpfile(req, ovl_node(fs, parent), a.mode, a.flags, &a.fd, &e)
                 : ovl_create_common(req, ovl_node(fs, parent), name, S_IFREG | a.mode, make_file, &a, true, &e);
    if (rc < 0) {
        if (a.fd >= 0)
            close(a.fd);
        fuse_reply_err(req, -rc);
        return;
    }
    struct ovl_file *f = file_new(a.fd, 0, a.flags);
    if (!f) {
        close(a.fd);
        ovl_forget_one(fs, ovl_node(fs, e.ino), 1);
        fuse_reply_err(req, ENOMEM);
        return;
    }
    fi->fh = (uintptr_t)f;
    fi->keep_cache = 1;
    if (fuse_reply_create(req, &e, fi) == -ENOENT) {
        close(a.fd);
        free(f);
    }
}

// A handle opened read-only before the node was copied up still reads the
// lower file; switch it to the upper copy so reads see later writes.
static int file_fd(struct ovl_fs *fs, fuse_ino_t ino, struct fuse_file_info *fi) {
    struct ovl_file *f = (struct ovl_file *)(uintptr_t)fi->fh;
    if (__atomic_load_n(&f->layer, __ATOMIC_ACQUIRE) == 0)
        return f->fd;
    struct ovl_node *n = ovl_node(fs, ino);
    pthread_mutex_lock(&fs->lock);
    int pfd = n->fd, layer = n->layer;
    pthread_mutex_unlock(&fs->lock);
    if (layer != 0)
        return f->fd;
    char path[64];
    ovl_proc_path(path, sizeof path, pfd);
    int nfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nfd < 0)
        return f->fd;
    pthread_mutex_lock(&fs->lock);
    if (f->layer != 0 && f->old_fd < 0) {
        f->old_fd = f->fd;
        f->fd = nfd;
        __atomic_store_n(&f->layer, 0, __ATOMIC_RELEASE);
        nfd = -1;
    }
    int fd = f->fd;
    pthread_mutex_unlock(&fs->lock);
    if (nfd >= 0)
        close(nfd);
    return fd;
}

void ovl_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
    buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
    buf.buf[0].fd = file_fd(ovl_fs(req), ino, fi);
    buf.buf[0].pos = off;
    fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
}

void ovl_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *in, off_t off, struct fuse_file_info *fi) {
    (void)ino;
    struct ovl_file *f = (struct ovl_file *)(uintptr_t)fi->fh;
    struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in));
    out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
    out.buf[0].fd = f->fd;
    out.buf[0].pos = off;
    ssize_t n = fuse_buf_copy(&out, in, FUSE_BUF_SPLICE_NONBLOCK);
    if (n < 0)
        fuse_reply_err(req, (int)-n);
    else
        fuse_reply_write(req, (size_t)n);
}

void ovl_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)ino;
    struct ovl_file *f = (struct ovl_file *)(uintptr_t)fi->fh;
    close(f->fd);
    if (f->old_fd >= 0)
        close(f->old_fd);
    free(f);
    fuse_reply_err(req, 0);
}

void ovl_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
    (void)ino;
    struct ovl_file *f = (struct ovl_file *)(uintptr_t)fi->fh;
    int r = datasync ? fdatasync(f->fd) : fsync(f->fd);
    fuse_reply_err(req, r < 0 ? errno : 0);
}

void ovl_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
    (void)ino;
    struct ovl_file *f = (struct ovl_file *)(uintptr_t)fi->fh;
    fuse_reply_err(req, fallocate(f->fd, mode, off, len) < 0 ? errno : 0);
}

void ovl_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, struct fuse_file_info *fi) {
    off_t r = lseek(file_fd(ovl_fs(req), ino, fi), off, whence);
    if (r < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_lseek(req, r);
}

void ovl_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in, struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out, struct fuse_file_info *fi_out, size_t len, int flags) {
    (void)ino_out;
    int in = file_fd(ovl_fs(req), ino_in, fi_in);
    struct ovl_file *out = (struct ovl_file *)(uintptr_t)fi_out->fh;
    ssize_t n = copy_file_range(in, &off_in, out->fd, &off_out, len, (unsigned)flags);
    if (n < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_write(req, (size_t)n);
}
