// Merged directory listings: every layer's entries, de-duplicated by name
// (the top-most wins), whiteouts hiding themselves and the names below.
#include "ovl.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

struct linux_dirent64 {
    uint64_t d_ino;
    int64_t d_off;
    unsigned short d_reclen;
    unsigned char d_type;
    char d_name[];
};

// Open-addressing set of names seen in upper layers (visible or whiteouts).
struct nameset {
    char **slots;
    size_t size, count;
};

static uint64_t hash_name(const char *s) {
    uint64_t h = 1469598103934665603ull;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

// Returns 1 if name was new (and stores the pointer), 0 if seen, -ENOMEM.
static int set_add(struct nameset *s, char *name) {
    if ((s->count + 1) * 2 > s->size) {
        size_t nsize = s->size ? s->size * 2 : 64;
        char **ns = calloc(nsize, sizeof *ns);
        if (!ns)
            return -ENOMEM;
        for (size_t i = 0; i < s->size; i++) {
            if (!s->slots[i])
                continue;
            size_t j = hash_name(s->slots[i]) & (nsize - 1);
            while (ns[j])
                j = (j + 1) & (nsize - 1);
            ns[j] = s->slots[i];
        }
        free(s->slots);
        s->slots = ns;
        s->size = nsize;
    }
    size_t j = hash_name(name) & (s->size - 1);
    while (s->slots[j]) {
        if (!strcmp(s->slots[j], name))
            return 0;
        j = (j + 1) & (s->size - 1);
    }
    s->slots[j] = name;
    s->count++;
    return 1;
}

static bool set_has(struct nameset *s, const char *name) {
    if (!s->size)
        return false;
    size_t j = hash_name(name) & (s->size - 1);
    while (s->slots[j]) {
        if (!strcmp(s->slots[j], name))
            return true;
        j = (j + 1) & (s->size - 1);
    }
    return false;
}

static int list_add(struct ovl_dirlist *l, char *name, ino_t ino, unsigned char type) {
    if (l->n == l->cap) {
        size_t ncap = l->cap ? l->cap * 2 : 32;
        struct ovl_dirent *e = realloc(l->ents, ncap * sizeof *e);
        if (!e)
            return -ENOMEM;
        l->ents = e;
        l->cap = ncap;
    }
    l->ents[l->n++] = (struct ovl_dirent){name, ino, type};
    return 0;
}

void ovl_dirlist_free(struct ovl_dirlist *l) {
    if (!l)
        return;
    for (size_t i = 0; i < l->n; i++)
        free(l->ents[i].name);
    free(l->ents);
    free(l);
}

static bool entry_is_whiteout(int dfd, struct linux_dirent64 *d, bool xwh) {
    if (d->d_type != DT_CHR && d->d_type != DT_UNKNOWN && !(xwh && d->d_type == DT_REG))
        return false;
    struct stat st;
    if (fstatat(dfd, d->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return false;
    return ovl_is_whiteout(dfd, d->d_name, &st, xwh);
}

// Lists the merged directory made of dirs (top-most first). With
// stop_at_first, only tells emptiness: returns 1 at the first visible entry.
int ovl_dir_list(struct ovl_fs *fs, struct ovl_node *dir, struct ovl_ldir *dirs, int ndirs, struct ovl_dirlist **out, bool stop_at_first) {
    (void)fs;
    (void)dir;
    struct ovl_dirlist *l = calloc(1, sizeof *l);
    struct nameset seen = {0};
    char **whiteouts = NULL;  // names owned by nothing else
    size_t nwh = 0, capwh = 0;
    char *buf = malloc(32768);
    int rc = 0;
    if (!l || !buf) {
        rc = -ENOMEM;
        goto out;
    }
    for (int i = 0; i < ndirs && rc == 0; i++) {
        int dfd = openat(dirs[i].fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
        if (dfd < 0 && errno == EACCES && dirs[i].layer > 0)
            continue;  // an unreadable lower directory lists as empty (see ovl_resolve)
        if (dfd < 0) {
            rc = -errno;
            break;
        }
        bool last = i == ndirs - 1;
        for (;;) {
            long n = syscall(SYS_getdents64, dfd, buf, 32768);
            if (n < 0) {
                rc = -errno;
                break;
            }
            if (n == 0)
                break;
            for (long off = 0; off < n && rc == 0;) {
                struct linux_dirent64 *d = (void *)(buf + off);
                off += d->d_reclen;
                const char *nm = d->d_name;
                if (nm[0] == '.' && (!nm[1] || (nm[1] == '.' && !nm[2])))
                    continue;
                if (set_has(&seen, nm))
                    continue;
                bool wh = entry_is_whiteout(dfd, d, dirs[i].xwh);
                if (wh && last)
                    continue;  // hides nothing below the last layer
                if (!wh && stop_at_first) {
                    rc = 1;
                    break;
                }
                char *copy = strdup(nm);
                if (!copy) {
                    rc = -ENOMEM;
                    break;
                }
                // The bottom layer's names cannot recur: no need to remember them.
                if (!last && set_add(&seen, copy) < 0) {
                    free(copy);
                    rc = -ENOMEM;
                    break;
                }
                if (wh) {
                    if (nwh == capwh) {
                        capwh = capwh ? capwh * 2 : 16;
                        char **w = realloc(whiteouts, capwh * sizeof *w);
                        if (!w) {
                            rc = -ENOMEM;
                            break;
                        }
                        whiteouts = w;
                    }
                    whiteouts[nwh++] = copy;
                } else if (list_add(l, copy, d->d_ino, d->d_type) < 0) {
                    rc = -ENOMEM;
                    break;
                }
            }
            if (rc != 0)
                break;
        }
        close(dfd);
    }
out:
    for (size_t i = 0; i < nwh; i++)
        free(whiteouts[i]);
    free(whiteouts);
    free(seen.slots);
    free(buf);
    if (rc < 0 || !out) {
        ovl_dirlist_free(l);
        return rc;
    }
    *out = l;
    return rc;
}

int ovl_dir_empty(struct ovl_fs *fs, struct ovl_ldir *dirs, int ndirs) {
    int rc = ovl_dir_list(fs, NULL, dirs, ndirs, NULL, true);
    return rc == 1 ? -ENOTEMPTY : rc;
}

// Empties an upper directory that is logically empty (only whiteouts left)
// so that it can be removed or replaced.
int ovl_clear_whiteouts(int updir) {
    int dfd = openat(updir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0)
        return -errno;
    DIR *d = fdopendir(dfd);
    if (!d) {
        close(dfd);
        return -errno;
    }
    struct dirent *de;
    int rc = 0;
    bool xwh = ovl_opaque_value(updir) == 'x';
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        struct stat st;
        if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            continue;
        if (!ovl_is_whiteout(dirfd(d), de->d_name, &st, xwh)) {
            rc = -ENOTEMPTY;
            break;
        }
        if (unlinkat(dirfd(d), de->d_name, 0) < 0) {
            rc = -errno;
            break;
        }
    }
    closedir(d);
    return rc;
}
