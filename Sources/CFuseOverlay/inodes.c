// The node table (FUSE nodeids <-> backing files) and name resolution
// across the layers.
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static size_t hash_key(dev_t dev, ino_t ino, size_t size) {
    uint64_t h = (uint64_t)ino * 0x9E3779B97F4A7C15ull ^ (uint64_t)dev * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h >> 17) & (size - 1);
}

static void hash_insert(struct ovl_fs *fs, struct ovl_node *n) {
    if (fs->hcount + 1 > fs->hsize) {
        size_t nsize = fs->hsize * 2;
        struct ovl_node **nt = calloc(nsize, sizeof *nt);
        if (nt) {
            for (size_t i = 0; i < fs->hsize; i++) {
                for (struct ovl_node *m = fs->htab[i], *next; m; m = next) {
                    next = m->hnext;
                    size_t b = hash_key(m->dev, m->ino, nsize);
                    m->hnext = nt[b];
                    nt[b] = m;
                }
            }
            free(fs->htab);
            fs->htab = nt;
            fs->hsize = nsize;
        }
    }
    size_t b = hash_key(n->dev, n->ino, fs->hsize);
    n->hnext = fs->htab[b];
    fs->htab[b] = n;
    fs->hcount++;
}

static void hash_remove(struct ovl_fs *fs, struct ovl_node *n) {
    for (struct ovl_node **p = &fs->htab[hash_key(n->dev, n->ino, fs->hsize)]; *p; p = &(*p)->hnext) {
        if (*p == n) {
            *p = n->hnext;
            fs->hcount--;
            return;
        }
    }
}

// Upper files and all directories are one node per backing inode, so that
// upper hard links share the kernel's inode (and its page cache). A lower
// non-directory is one node per name, as under kernel overlay: a copy-up
// breaks a lower hard link, and a copy-up must go to the name it came by.
static struct ovl_node *hash_find(struct ovl_fs *fs, const struct ovl_res *r, struct ovl_node *parent, const char *name) {
    bool by_name = r->layer > 0 && !S_ISDIR(r->st.st_mode);
    for (struct ovl_node *n = fs->htab[hash_key(r->st.st_dev, r->st.st_ino, fs->hsize)]; n; n = n->hnext) {
        if (n->dev != r->st.st_dev || n->ino != r->st.st_ino)
            continue;
        if (by_name && (n->layer == 0 || n->parent != parent || strcmp(n->name, name) != 0))
            continue;
        return n;
    }
    return NULL;
}

struct ovl_node *ovl_node(struct ovl_fs *fs, fuse_ino_t ino) {
    return ino == FUSE_ROOT_ID ? fs->root : (struct ovl_node *)(uintptr_t)ino;
}

static fuse_ino_t node_id(struct ovl_fs *fs, struct ovl_node *n) {
    return n == fs->root ? FUSE_ROOT_ID : (fuse_ino_t)(uintptr_t)n;
}

int ovl_node_dirs(struct ovl_fs *fs, struct ovl_node *n, struct ovl_ldir *out) {
    pthread_mutex_lock(&fs->lock);
    int k = n->ndirs;
    memcpy(out, n->dirs, (size_t)k * sizeof *out);
    pthread_mutex_unlock(&fs->lock);
    return k;
}

int ovl_upper_dirfd(struct ovl_fs *fs, struct ovl_node *n) {
    pthread_mutex_lock(&fs->lock);
    int fd = (n->ndirs > 0 && n->dirs[0].layer == 0) ? n->dirs[0].fd : -1;
    pthread_mutex_unlock(&fs->lock);
    return fd;
}

void ovl_fix_stat(struct ovl_fs *fs, struct stat *st, int ndirs) {
    if (fs->squash) {
        if (st->st_uid == fs->overflow_uid)
            st->st_uid = 0;
        if (st->st_gid == fs->overflow_gid)
            st->st_gid = 0;
    }
    // As kernel overlay: a merged directory's real link count means nothing.
    if (S_ISDIR(st->st_mode) && ndirs > 1)
        st->st_nlink = 1;
}

int ovl_node_stat(struct ovl_fs *fs, struct ovl_node *n, struct stat *st) {
    pthread_mutex_lock(&fs->lock);
    int fd = n->fd, nd = n->ndirs;
    pthread_mutex_unlock(&fs->lock);
    if (fstat(fd, st) < 0)
        return -errno;
    ovl_fix_stat(fs, st, nd);
    return 0;
}

void ovl_res_release(struct ovl_res *r) {
    if (r->ndirs > 0) {
        for (int i = 0; i < r->ndirs; i++)
            close(r->dirs[i].fd);
    } else if (r->fd >= 0) {
        close(r->fd);
    }
    r->ndirs = 0;
    r->fd = -1;
}

// Resolves name in dir as kernel overlay's lookup does: upper first, then the
// lowers top-most first; a whiteout ends the search; a non-directory ends it;
// directories merge until an opaque one. With want_lower, also tells whether
// a lower layer shows the name (removing or renaming it then needs a whiteout).
int ovl_resolve(struct ovl_fs *fs, struct ovl_node *dir, const char *name, bool want_lower, struct ovl_res *r) {
    r->found = r->upper_whiteout = r->lower_positive = false;
    r->fd = -1;
    r->ndirs = 0;
    r->layer = -1;
    if (!name[0] || strchr(name, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
        return -EINVAL;
    struct ovl_ldir pd[OVL_MAX_LAYERS];
    int np = ovl_node_dirs(fs, dir, pd);
    bool merging = true;
    for (int i = 0; i < np; i++) {
        int fd = openat(pd[i].fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) {
            // A lower directory this process may not search (the host
            // image's 0700 dirs of other users, rootless) shows nothing:
            // what cannot be read cannot be shown, and new names may go there.
            if (errno == ENOENT || errno == ENOTDIR || (errno == EACCES && pd[i].layer > 0))
                continue;
            int e = -errno;
            ovl_res_release(r);
            return e;
        }
        struct stat st;
        if (fstat(fd, &st) < 0) {
            int e = -errno;
            close(fd);
            ovl_res_release(r);
            return e;
        }
        if (ovl_is_whiteout(pd[i].fd, name, &st, pd[i].xwh)) {
            close(fd);
            if (!r->found && pd[i].layer == 0)
                r->upper_whiteout = true;
            break;
        }
        bool isdir = S_ISDIR(st.st_mode);
        if (!r->found) {
            r->found = true;
            r->st = st;
            r->fd = fd;
            r->layer = pd[i].layer;
            merging = isdir;
            if (isdir) {
                int ov = ovl_opaque_value(fd);
                r->dirs[r->ndirs++] = (struct ovl_ldir){fd, pd[i].layer, ov == 'x'};
                if (ov == 'y')
                    merging = false;
            }
            if (!merging && !(want_lower && pd[i].layer == 0))
                break;
            continue;
        }
        r->lower_positive = true;
        if (merging && isdir) {
            int ov = ovl_opaque_value(fd);
            r->dirs[r->ndirs++] = (struct ovl_ldir){fd, pd[i].layer, ov == 'x'};
            if (ov == 'y')
                merging = false;
        } else {
            close(fd);
            merging = false;
        }
        if (!merging)
            break;
    }
    if (r->found && r->layer > 0)
        r->lower_positive = true;
    return 0;
}

// Returns the node for a resolved name with one more kernel reference,
// taking over r's fds (or closing them if the node already exists).
struct ovl_node *ovl_node_get(struct ovl_fs *fs, struct ovl_node *parent, const char *name, struct ovl_res *r) {
    pthread_mutex_lock(&fs->lock);
    struct ovl_node *n = hash_find(fs, r, parent, name);
    if (n) {
        n->nlookup++;
        pthread_mutex_unlock(&fs->lock);
        ovl_res_release(r);
        return n;
    }
    n = calloc(1, sizeof *n);
    char *nm = strdup(name);
    struct ovl_ldir *dirs = r->ndirs ? malloc((size_t)r->ndirs * sizeof *dirs) : NULL;
    if (!n || !nm || (r->ndirs && !dirs)) {
        pthread_mutex_unlock(&fs->lock);
        free(n);
        free(nm);
        free(dirs);
        ovl_res_release(r);
        return NULL;
    }
    n->dev = r->st.st_dev;
    n->ino = r->st.st_ino;
    n->type = r->st.st_mode & S_IFMT;
    n->nlookup = 1;
    n->parent = parent;
    parent->refs++;
    n->name = nm;
    ovl_node_fds_init(n);
    n->fd = r->fd;
    n->layer = r->layer;
    if (r->ndirs) {
        memcpy(dirs, r->dirs, (size_t)r->ndirs * sizeof *dirs);
        n->dirs = dirs;
        n->ndirs = r->ndirs;
    }
    pthread_mutex_init(&n->cu, NULL);
    hash_insert(fs, n);
    pthread_mutex_unlock(&fs->lock);
    r->ndirs = 0;
    r->fd = -1;
    return n;
}

static void node_free_locked(struct ovl_fs *fs, struct ovl_node *n) {
    while (n && n != fs->root && n->nlookup == 0 && n->refs == 0) {
        struct ovl_node *parent = n->parent;
        hash_remove(fs, n);
        ovl_node_fds_close(fs, n);
        free(n->dirs);
        free(n->name);
        pthread_mutex_destroy(&n->cu);
        free(n);
        if (!parent)
            break;
        parent->refs--;
        n = parent;
    }
}

void ovl_node_ref(struct ovl_fs *fs, struct ovl_node *n) {
    pthread_mutex_lock(&fs->lock);
    n->refs++;
    pthread_mutex_unlock(&fs->lock);
}

void ovl_node_unref(struct ovl_fs *fs, struct ovl_node *n) {
    pthread_mutex_lock(&fs->lock);
    n->refs--;
    node_free_locked(fs, n);
    pthread_mutex_unlock(&fs->lock);
}

void ovl_forget_one(struct ovl_fs *fs, struct ovl_node *n, uint64_t nlookup) {
    if (n == fs->root)
        return;
    pthread_mutex_lock(&fs->lock);
    n->nlookup = nlookup >= n->nlookup ? 0 : n->nlookup - nlookup;
    node_free_locked(fs, n);
    pthread_mutex_unlock(&fs->lock);
}

// After a copy-up: the node is now backed by the upper file/directory fd.
void ovl_node_rekey(struct ovl_fs *fs, struct ovl_node *n, int fd, const struct stat *st) {
    pthread_mutex_lock(&fs->lock);
    hash_remove(fs, n);
    if (S_ISDIR(st->st_mode)) {
        struct ovl_ldir *d = realloc(n->dirs, (size_t)(n->ndirs + 1) * sizeof *d);
        if (d) {
            memmove(d + 1, d, (size_t)n->ndirs * sizeof *d);
            d[0] = (struct ovl_ldir){fd, 0, false};
            n->dirs = d;
            n->ndirs++;
        }
    } else {
        n->old_fd = n->fd;
    }
    n->fd = fd;
    n->layer = 0;
    n->dev = st->st_dev;
    n->ino = st->st_ino;
    hash_insert(fs, n);
    pthread_mutex_unlock(&fs->lock);
}

// Keeps the remembered name current after a rename in the upper.
void ovl_node_rename(struct ovl_fs *fs, struct ovl_node *n, struct ovl_node *parent, const char *name) {
    char *nm = strdup(name);
    if (!nm)
        return;
    pthread_mutex_lock(&fs->lock);
    parent->refs++;
    struct ovl_node *old = n->parent;
    free(n->name);
    n->name = nm;
    n->parent = parent;
    if (old) {
        old->refs--;
        node_free_locked(fs, old);
    }
    pthread_mutex_unlock(&fs->lock);
}

int ovl_lookup_entry(struct ovl_fs *fs, struct ovl_node *dir, const char *name, struct fuse_entry_param *e) {
    struct ovl_res r;
    memset(e, 0, sizeof *e);
    int rc = ovl_resolve(fs, dir, name, false, &r);
    if (rc < 0)
        return rc;
    e->attr_timeout = e->entry_timeout = fs->timeout;
    if (!r.found)
        return 0;  // ino 0: a negative entry the kernel may cache
    e->attr = r.st;
    ovl_fix_stat(fs, &e->attr, r.ndirs);
    struct ovl_node *n = ovl_node_get(fs, dir, name, &r);
    if (!n)
        return -ENOMEM;
    e->ino = node_id(fs, n);
    return 0;
}

void ovl_table_init(struct ovl_fs *fs) {
    pthread_mutex_init(&fs->lock, NULL);
    pthread_mutex_init(&fs->tree, NULL);
    fs->hsize = 1024;
    fs->htab = calloc(fs->hsize, sizeof *fs->htab);
}

void ovl_table_free(struct ovl_fs *fs) {
    for (size_t i = 0; fs->htab && i < fs->hsize; i++) {
        for (struct ovl_node *n = fs->htab[i], *next; n; n = next) {
            next = n->hnext;
            if (n == fs->root)
                continue;
            ovl_node_fds_close(fs, n);
            free(n->dirs);
            free(n->name);
            free(n);
        }
    }
    free(fs->htab);
    fs->htab = NULL;
}
