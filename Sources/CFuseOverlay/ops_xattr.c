// Extended attributes. The overlay's own user.overlay.* are invisible and
// cannot be set, as under kernel overlay with userxattr.
#include "ovl.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/xattr.h>

static void node_path(struct ovl_fs *fs, struct ovl_node *n, char *path, size_t size) {
    pthread_mutex_lock(&fs->lock);
    int fd = n->fd;
    pthread_mutex_unlock(&fs->lock);
    ovl_proc_path(path, size, fd);
}

void ovl_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size) {
    struct ovl_fs *fs = ovl_fs(req);
    if (ovl_private_xattr(name)) {
        fuse_reply_err(req, ENODATA);
        return;
    }
    char path[64];
    node_path(fs, ovl_node(fs, ino), path, sizeof path);
    if (size == 0) {
        ssize_t n = getxattr(path, name, NULL, 0);
        if (n < 0)
            fuse_reply_err(req, errno);
        else
            fuse_reply_xattr(req, (size_t)n);
        return;
    }
    char *buf = malloc(size);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    ssize_t n = getxattr(path, name, buf, size);
    if (n < 0)
        fuse_reply_err(req, errno);
    else
        fuse_reply_buf(req, buf, (size_t)n);
    free(buf);
}

void ovl_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size) {
    struct ovl_fs *fs = ovl_fs(req);
    char path[64];
    node_path(fs, ovl_node(fs, ino), path, sizeof path);
    ssize_t len = listxattr(path, NULL, 0);
    if (len < 0) {
        fuse_reply_err(req, errno);
        return;
    }
    char *buf = malloc((size_t)len + 1);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    len = len ? listxattr(path, buf, (size_t)len) : 0;
    if (len < 0) {
        fuse_reply_err(req, errno);
        free(buf);
        return;
    }
    // Drop the private names in place.
    size_t out = 0;
    for (ssize_t off = 0; off < len;) {
        size_t l = strlen(buf + off) + 1;
        if (!ovl_private_xattr(buf + off)) {
            memmove(buf + out, buf + off, l);
            out += l;
        }
        off += (ssize_t)l;
    }
    if (size == 0)
        fuse_reply_xattr(req, out);
    else if (out > size)
        fuse_reply_err(req, ERANGE);
    else
        fuse_reply_buf(req, buf, out);
    free(buf);
}

void ovl_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    if (ovl_private_xattr(name)) {
        fuse_reply_err(req, EPERM);
        return;
    }
    int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), true);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    char path[64];
    node_path(fs, n, path, sizeof path);
    fuse_reply_err(req, setxattr(path, name, value, size, flags) < 0 ? errno : 0);
}

void ovl_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    if (ovl_private_xattr(name)) {
        fuse_reply_err(req, EPERM);
        return;
    }
    char path[64];
    node_path(fs, n, path, sizeof path);
    // Removing what is not there changes nothing: no copy-up for it.
    if (getxattr(path, name, NULL, 0) < 0) {
        fuse_reply_err(req, errno);
        return;
    }
    int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), true);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    node_path(fs, n, path, sizeof path);
    fuse_reply_err(req, removexattr(path, name) < 0 ? errno : 0);
}
