// Directory handles. The merged listing is built once per handle (and again
// on rewind), so offsets stay stable however the layers' own orders interleave.
#include "ovl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void ovl_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)ino;
    struct ovl_file *f = calloc(1, sizeof *f);
    if (!f) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    fi->fh = (uintptr_t)f;
    // The kernel may keep listings: every change comes through this mount
    // and invalidates them.
    fi->cache_readdir = 1;
    fi->keep_cache = 1;
    if (fuse_reply_open(req, fi) == -ENOENT)
        free(f);
}

static void do_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi, bool plus) {
    struct ovl_fs *fs = ovl_fs(req);
    struct ovl_node *dir = ovl_node(fs, ino);
    struct ovl_file *f = (struct ovl_file *)(uintptr_t)fi->fh;
    if (off == 0 || !f->list) {
        struct ovl_ldir dirs[OVL_MAX_LAYERS];
        int nd = ovl_node_dirs(fs, dir, dirs);
        struct ovl_dirlist *l = NULL;
        int rc = ovl_dir_list(fs, dir, dirs, nd, &l, false);
        if (rc < 0) {
            fuse_reply_err(req, -rc);
            return;
        }
        ovl_dirlist_free(f->list);
        f->list = l;
    }
    char *buf = malloc(size);
    if (!buf) {
        fuse_reply_err(req, ENOMEM);
        return;
    }
    size_t used = 0;
    struct ovl_dirlist *l = f->list;
    for (size_t i = (size_t)off; i < l->n + 2; i++) {
        const char *name = i == 0 ? "." : i == 1 ? ".." : l->ents[i - 2].name;
        size_t rem = size - used, need;
        if (i < 2) {
            struct fuse_entry_param e = {0};
            // libc hides entries with inode 0: ".." needs a number too.
            e.attr.st_ino = (i == 1 && dir->parent) ? dir->parent->ino : dir->ino;
            e.attr.st_mode = S_IFDIR;
            need = plus ? fuse_add_direntry_plus(req, buf + used, rem, name, &e, (off_t)i + 1)
                        : fuse_add_direntry(req, buf + used, rem, name, &e.attr, (off_t)i + 1);
            if (need > rem)
                break;
            used += need;
            continue;
        }
        struct ovl_dirent *d = &l->ents[i - 2];
        if (!plus) {
            struct stat st = {0};
            st.st_ino = d->ino;
            st.st_mode = (mode_t)d->type << 12;
            need = fuse_add_direntry(req, buf + used, rem, name, &st, (off_t)i + 1);
            if (need > rem)
                break;
            used += need;
            continue;
        }
        // A readdirplus entry counts as a lookup: only take it when it fits.
        if (fuse_add_direntry_plus(req, NULL, 0, name, NULL, 0) > rem)
            break;
        struct fuse_entry_param e;
        if (ovl_lookup_entry(fs, dir, name, &e) < 0 || e.ino == 0)
            continue;  // gone meanwhile
        used += fuse_add_direntry_plus(req, buf + used, rem, name, &e, (off_t)i + 1);
    }
    fuse_reply_buf(req, buf, used);
    free(buf);
}

void ovl_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    do_readdir(req, ino, size, off, fi, false);
}

void ovl_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi) {
    do_readdir(req, ino, size, off, fi, true);
}

void ovl_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi) {
    (void)ino;
    struct ovl_file *f = (struct ovl_file *)(uintptr_t)fi->fh;
    ovl_dirlist_free(f->list);
    free(f);
    fuse_reply_err(req, 0);
}

void ovl_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi) {
    (void)fi;
    struct ovl_fs *fs = ovl_fs(req);
    int up = ovl_upper_dirfd(fs, ovl_node(fs, ino));
    if (up < 0) {
        fuse_reply_err(req, 0);  // nothing of it is writable
        return;
    }
    int fd = openat(up, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = 0;
    if (fd < 0 || (datasync ? fdatasync(fd) : fsync(fd)) < 0)
        rc = errno;
    if (fd >= 0)
        close(fd);
    fuse_reply_err(req, rc);
}
