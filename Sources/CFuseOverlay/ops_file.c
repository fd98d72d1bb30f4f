// File data: straight between /dev/fuse and the node's data fd (iofd.c),
// spliced where the kernel allows.
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

// A created file's fd is its node's data fd (iofd.c): read-write whatever
// the caller asked (the kernel checked that against the mode), and free of
// flags that would act for every later user (append, sync: the kernel
// places appends and syncs writes itself).
int ovl_create_flags(int flags) {
    return (flags & ~(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_NOFOLLOW | O_TRUNC | O_APPEND | O_SYNC | O_DSYNC | O_DIRECT |
                      O_NONBLOCK | O_TMPFILE | O_PATH)) |
           O_RDWR | O_CLOEXEC;
}

// Not implemented on purpose: the kernel then stops sending OPEN and
// RELEASE (iofd.c). Truncation on open comes as a setattr, since the
// connection does not take atomic O_TRUNC.
void ovl_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)ino;
    (void)fi;
    fuse_reply_err(req, ENOSYS);
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
    struct create_arg a = {ovl_create_flags(fi->flags), mode & ~fuse_req_ctx(req)->umask, -1};
    struct fuse_entry_param e;
    int rc = strcmp(name, OVL_TMPFILE_NAME) == 0
                 ? ovl_create_tmpfile(req, ovl_node(fs, parent), a.mode, a.flags, &a.fd, &e)
                 : ovl_create_common(req, ovl_node(fs, parent), name, S_IFREG | a.mode, make_file, &a, true, &e);
    if (rc < 0) {
        if (a.fd >= 0)
            close(a.fd);
        fuse_reply_err(req, -rc);
        return;
    }
    ovl_io_adopt(fs, ovl_node(fs, e.ino), a.fd);
    fi->fh = 0;
    fi->keep_cache = 1;
    fuse_reply_create(req, &e, fi);
}

// The node's data fd for a request; failures are replied here (-1).
static int io_fd(fuse_req_t req, fuse_ino_t ino, bool write, bool *transient) {
    int fd = ovl_io_fd(req, ovl_node(ovl_fs(req), ino), write, transient);
    if (fd < 0)
        fuse_reply_err(req, -fd);
    return fd < 0 ? -1 : fd;
}

static void done(int fd, bool transient) {
    if (transient)
        close(fd);
}

void ovl_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    (void)fi;
    bool t;
    int fd = io_fd(req, ino, false, &t);
    if (fd < 0)
        return;
    struct fuse_bufvec buf = FUSE_BUFVEC_INIT(size);
    buf.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
    buf.buf[0].fd = fd;
    buf.buf[0].pos = off;
    fuse_reply_data(req, &buf, FUSE_BUF_SPLICE_MOVE);
    done(fd, t);
}

void ovl_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *in, off_t off, struct fuse_file_info *fi) {
    (void)fi;
    bool t;
    int fd = io_fd(req, ino, true, &t);
    if (fd < 0)
        return;
    struct fuse_bufvec out = FUSE_BUFVEC_INIT(fuse_buf_size(in));
    out.buf[0].flags = FUSE_BUF_IS_FD | FUSE_BUF_FD_SEEK;
    out.buf[0].fd = fd;
    out.buf[0].pos = off;
    ssize_t n = fuse_buf_copy(&out, in, FUSE_BUF_SPLICE_NONBLOCK);
    if (n < 0)
        fuse_reply_err(req, (int)-n);
    else
        fuse_reply_write(req, (size_t)n);
    done(fd, t);
}

// Sent only before the first open learnt there are no handles (for files
// created first), and then with none.
void ovl_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)ino;
    (void)fi;
    fuse_reply_err(req, 0);
}

// A file still in a lower layer has nothing of ours to sync.
void ovl_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
    (void)fi;
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    pthread_mutex_lock(&fs->lock);
    bool upper = n->layer == 0;
    pthread_mutex_unlock(&fs->lock);
    if (!upper) {
        fuse_reply_err(req, 0);
        return;
    }
    bool t;
    int fd = io_fd(req, ino, false, &t);
    if (fd < 0)
        return;
    int r = datasync ? fdatasync(fd) : fsync(fd);
    fuse_reply_err(req, r < 0 ? errno : 0);
    done(fd, t);
}

void ovl_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, struct fuse_file_info *fi) {
    (void)fi;
    bool t;
    int fd = io_fd(req, ino, true, &t);
    if (fd < 0)
        return;
    fuse_reply_err(req, fallocate(fd, mode, off, len) < 0 ? errno : 0);
    done(fd, t);
}

void ovl_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, struct fuse_file_info *fi) {
    (void)fi;
    bool t;
    int fd = io_fd(req, ino, false, &t);
    if (fd < 0)
        return;
    off_t r = lseek(fd, off, whence);
    if (r < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_lseek(req, r);
    done(fd, t);
}

void ovl_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in, struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out, struct fuse_file_info *fi_out, size_t len, int flags) {
    (void)fi_in;
    (void)fi_out;
    bool tin, tout;
    int out = io_fd(req, ino_out, true, &tout);
    if (out < 0)
        return;
    int in = io_fd(req, ino_in, false, &tin);
    if (in < 0) {
        done(out, tout);
        return;
    }
    ssize_t n = copy_file_range(in, &off_in, out, &off_out, len, (unsigned)flags);
    if (n < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_write(req, (size_t)n);
    done(in, tin);
    done(out, tout);
}
