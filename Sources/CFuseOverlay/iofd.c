// Data I/O without open handles. OPEN is answered ENOSYS, after which the
// kernel sends neither OPEN nor RELEASE again (Linux 4.19+, "no_open"): two
// round trips fewer for every open(2), and a compiler opens each header,
// library and program it uses. READ, WRITE and the rest then come with no
// handle, and their fd is the node's: opened on first use in the layer that
// shows the file, reopened after a copy-up, kept while the kernel remembers
// the node (up to fs->io_max nodes; past that, opened per request).
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

void ovl_node_fds_init(struct ovl_node *n) {
    n->old_fd = n->io_fd = n->io_old = -1;
    n->io_layer = -1;
    n->io_rw = false;
}

// Under fs->lock, or with the node unreachable (table teardown).
void ovl_node_fds_close(struct ovl_fs *fs, struct ovl_node *n) {
    if (n->ndirs) {
        for (int i = 0; i < n->ndirs; i++)
            close(n->dirs[i].fd);
    } else {
        close(n->fd);
    }
    if (n->old_fd >= 0)
        close(n->old_fd);
    if (n->io_fd >= 0) {
        close(n->io_fd);
        fs->io_count--;
    }
    if (n->io_old >= 0)
        close(n->io_old);
}

// Keeps fd as n's data fd if the bound allows and the node still shows the
// layer fd was opened in; false: the caller owns fd and closes it.
static bool keep(struct ovl_fs *fs, struct ovl_node *n, int pfd, int layer, bool rw, int fd) {
    bool kept = false;
    pthread_mutex_lock(&fs->lock);
    // One replaced fd per node at most (a lower one by its copy-up, or a
    // read-only upper one by a writable one): another thread may still be
    // reading the one replaced.
    if (n->fd == pfd && n->layer == layer && n->io_old < 0 && (n->io_fd >= 0 || fs->io_count < fs->io_max)) {
        if (n->io_fd >= 0)
            n->io_old = n->io_fd;
        else
            fs->io_count++;
        n->io_fd = fd;
        n->io_layer = layer;
        n->io_rw = rw;
        kept = true;
    }
    pthread_mutex_unlock(&fs->lock);
    return kept;
}

// A file created here (its fd is read-write): the node's data fd from now.
void ovl_io_adopt(struct ovl_fs *fs, struct ovl_node *n, int fd) {
    pthread_mutex_lock(&fs->lock);
    int pfd = n->fd;
    bool fresh = n->io_fd < 0;
    pthread_mutex_unlock(&fs->lock);
    if (!fresh || !keep(fs, n, pfd, 0, true, fd))
        close(fd);
}

// The fd to read (or, with write, to write) n's data through, copying the
// file up first for a write. *transient: the caller closes it when done.
// Returns -errno on failure.
int ovl_io_fd(fuse_req_t req, struct ovl_node *n, bool write, bool *transient) {
    struct ovl_fs *fs = ovl_fs(req);
    *transient = false;
    pthread_mutex_lock(&fs->lock);
    int pfd = n->fd, layer = n->layer, fd = n->io_fd;
    bool ready = fd >= 0 && n->io_layer == layer && (n->io_rw || !write);
    pthread_mutex_unlock(&fs->lock);
    if (ready)
        return fd;
    if (write && layer != 0) {
        int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), true);
        if (rc < 0)
            return rc;
        pthread_mutex_lock(&fs->lock);
        pfd = n->fd;
        layer = n->layer;
        pthread_mutex_unlock(&fs->lock);
    }
    char path[64];
    ovl_proc_path(path, sizeof path, pfd);
    // Lower files are never written, atimes included (kernel overlay opens
    // them O_NOATIME too). Upper ones read-write, so that one fd serves
    // every reader and writer; read-only where that is refused.
    bool rw = layer == 0;
    fd = rw ? open(path, O_RDWR | O_CLOEXEC) : ovl_open_noatime(path, O_RDONLY | O_CLOEXEC, true);
    if (fd < 0 && rw && !write && errno != ENOENT) {
        rw = false;
        fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0)
        return -errno;
    if (!keep(fs, n, pfd, layer, rw, fd))
        *transient = true;
    return fd;
}
