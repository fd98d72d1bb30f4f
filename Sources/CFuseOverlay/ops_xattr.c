// Extended attributes, as kernel overlay (>= 6.7) with userxattr shows them:
// its own user.overlay.* are invisible; a user's user.overlay.X is stored
// escaped, as user.overlay.overlay.X, and shown unescaped.
#include "ovl.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/limits.h>
#include <sys/xattr.h>

static void node_path(struct ovl_fs *fs, struct ovl_node *n, char *path, size_t size) {
    pthread_mutex_lock(&fs->lock);
    int fd = n->fd;
    pthread_mutex_unlock(&fs->lock);
    ovl_proc_path(path, size, fd);
}

// The real name of a visible one (escaping user.overlay.*).
static const char *real_name(const char *name, char *buf, size_t size) {
    if (!ovl_private_xattr(name))
        return name;
    if (snprintf(buf, size, "%s%s", OVL_XATTR_ESCAPE, name + sizeof OVL_XATTR_PREFIX - 1) >= (int)size)
        return NULL;
    return buf;
}

void ovl_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size) {
    struct ovl_fs *fs = ovl_fs(req);
    char nb[XATTR_NAME_MAX + 16], path[64];
    const char *rn = real_name(name, nb, sizeof nb);
    if (!rn) {
        fuse_reply_err(req, ERANGE);
        return;
    }
    node_path(fs, ovl_node(fs, ino), path, sizeof path);
    if (size == 0) {
        ssize_t n = getxattr(path, rn, NULL, 0);
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
    ssize_t n = getxattr(path, rn, buf, size);
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
    // In place: drop the private names, unescape the escaped ones (shorter).
    size_t out = 0, skip = sizeof OVL_XATTR_ESCAPE - sizeof OVL_XATTR_PREFIX;
    for (ssize_t off = 0; off < len;) {
        const char *nm = buf + off;
        size_t l = strlen(nm) + 1;
        if (!ovl_private_xattr(nm)) {
            memmove(buf + out, nm, l);
            out += l;
        } else if (ovl_escaped_xattr(nm)) {
            size_t pl = sizeof OVL_XATTR_PREFIX - 1;
            memmove(buf + out, nm, pl);
            memmove(buf + out + pl, nm + pl + skip, l - pl - skip);
            out += l - skip;
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
    char nb[XATTR_NAME_MAX + 16], path[64];
    const char *rn = real_name(name, nb, sizeof nb);
    if (!rn) {
        fuse_reply_err(req, ERANGE);
        return;
    }
    int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), true);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    node_path(fs, n, path, sizeof path);
    fuse_reply_err(req, setxattr(path, rn, value, size, flags) < 0 ? errno : 0);
}

void ovl_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *n = ovl_node(fs, ino);
    char nb[XATTR_NAME_MAX + 16], path[64];
    const char *rn = real_name(name, nb, sizeof nb);
    if (!rn) {
        fuse_reply_err(req, ERANGE);
        return;
    }
    node_path(fs, n, path, sizeof path);
    // Removing what is not there changes nothing: no copy-up for it.
    if (getxattr(path, rn, NULL, 0) < 0) {
        fuse_reply_err(req, errno);
        return;
    }
    int rc = ovl_copy_up(fs, n, fuse_req_ctx(req), true);
    if (rc < 0) {
        fuse_reply_err(req, -rc);
        return;
    }
    node_path(fs, n, path, sizeof path);
    fuse_reply_err(req, removexattr(path, rn) < 0 ? errno : 0);
}
