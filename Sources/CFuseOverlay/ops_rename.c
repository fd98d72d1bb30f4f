// rename(2), with kernel overlay's rules when redirect_dir is off (it always
// is in a user namespace): a directory with anything in a lower layer cannot
// move (EXDEV: mv then copies), everything else moves within the upper.
#include "ovl.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/xattr.h>
#include <unistd.h>

#ifndef RENAME_NOREPLACE
#define RENAME_NOREPLACE (1 << 0)
#endif
#ifndef RENAME_EXCHANGE
#define RENAME_EXCHANGE (1 << 1)
#endif
#ifndef RENAME_WHITEOUT
#define RENAME_WHITEOUT (1 << 2)
#endif

static bool has_lower(const struct ovl_res *r) {
    return r->found && (r->layer > 0 || r->ndirs > 1);
}

// Copies up the object behind a resolved name through a transient node
// reference (copy-up works on nodes: it needs the name chain).
static int copy_up_name(struct ovl_fs *fs, struct ovl_node *dir, const char *name, const struct fuse_ctx *ctx) {
    struct ovl_res r;
    int rc = ovl_resolve(fs, dir, name, false, &r);
    if (rc < 0 || !r.found)
        return rc < 0 ? rc : -ENOENT;
    if (r.layer == 0) {
        ovl_res_release(&r);
        return 0;
    }
    struct ovl_node *n = ovl_node_get(fs, dir, name, &r);
    if (!n)
        return -ENOMEM;
    rc = ovl_copy_up(fs, n, ctx, true);
    ovl_forget_one(fs, n, 1);
    return rc;
}

// As kernel overlay: a pure-upper directory moved into a merged parent is
// made opaque, so no lower directory of its new name can ever merge into it.
static int mark_opaque_if_needed(struct ovl_fs *fs, const struct ovl_res *moved, struct ovl_node *newdir) {
    if (!moved->found || !S_ISDIR(moved->st.st_mode) || ovl_opaque_value(moved->fd) == 'y')
        return 0;
    struct ovl_ldir d[OVL_MAX_LAYERS];
    if (ovl_node_dirs(fs, newdir, d) < 2)
        return 0;
    char p[64];
    ovl_proc_path(p, sizeof p, moved->fd);
    return setxattr(p, OVL_XATTR_OPAQUE, "y", 1, 0) < 0 ? -errno : 0;
}

static int do_rename(fuse_req_t req, struct ovl_node *od, const char *oname, struct ovl_node *nd, const char *nname, unsigned flags) {
    struct ovl_fs *fs = ovl_fs(req);
    const struct fuse_ctx *ctx = fuse_req_ctx(req);
    if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    struct ovl_res ro, rn;
    int rc = ovl_resolve(fs, od, oname, false, &ro);
    if (rc < 0)
        return rc;
    rc = ovl_resolve(fs, nd, nname, false, &rn);
    if (rc < 0) {
        ovl_res_release(&ro);
        return rc;
    }
    bool exchange = flags & RENAME_EXCHANGE;
    if (!ro.found || (exchange && !rn.found))
        rc = -ENOENT;
    else if ((flags & RENAME_NOREPLACE) && rn.found)
        rc = -EEXIST;
    else if ((S_ISDIR(ro.st.st_mode) && has_lower(&ro)) || (exchange && S_ISDIR(rn.st.st_mode) && has_lower(&rn)))
        rc = -EXDEV;
    else if (!exchange && rn.found && S_ISDIR(rn.st.st_mode))
        rc = ovl_dir_empty(fs, rn.dirs, rn.ndirs);
    ovl_res_release(&ro);
    ovl_res_release(&rn);
    if (rc < 0)
        return rc;
    if ((rc = ovl_copy_up(fs, od, ctx, true)) < 0 || (rc = ovl_copy_up(fs, nd, ctx, true)) < 0 ||
        (rc = copy_up_name(fs, od, oname, ctx)) < 0 || (exchange && (rc = copy_up_name(fs, nd, nname, ctx)) < 0))
        return rc;
    int oup = ovl_upper_dirfd(fs, od), nup = ovl_upper_dirfd(fs, nd);
    pthread_mutex_lock(&fs->tree);
    // Again under the tree lock, now that both are in the upper.
    if ((rc = ovl_resolve(fs, od, oname, true, &ro)) < 0)
        goto unlock;
    if ((rc = ovl_resolve(fs, nd, nname, true, &rn)) < 0) {
        ovl_res_release(&ro);
        goto unlock;
    }
    if (!ro.found || ro.layer != 0 || (exchange && (!rn.found || rn.layer != 0))) {
        rc = -ENOENT;
        goto release;
    }
    if (exchange) {
        if ((rc = mark_opaque_if_needed(fs, &ro, nd)) < 0 || (rc = mark_opaque_if_needed(fs, &rn, od)) < 0)
            goto release;
        if (renameat2(oup, oname, nup, nname, RENAME_EXCHANGE) < 0)
            rc = -errno;
        goto release;
    }
    bool isdir = S_ISDIR(ro.st.st_mode);
    bool need_wh = ro.lower_positive;
    if ((rc = mark_opaque_if_needed(fs, &ro, nd)) < 0)
        goto release;
    // A merged target directory is empty but may hold whiteouts.
    if (rn.found && S_ISDIR(rn.st.st_mode) && rn.layer == 0 && (rc = ovl_clear_whiteouts(rn.dirs[0].fd)) < 0)
        goto release;
    if (rn.upper_whiteout) {
        // Swapping with the whiteout leaves it where the old name needs one.
        if (need_wh || isdir) {
            if (renameat2(oup, oname, nup, nname, RENAME_EXCHANGE) < 0)
                rc = -errno;
            else if (!need_wh && unlinkat(oup, oname, 0) < 0)
                rc = -errno;
        } else if (renameat(oup, oname, nup, nname) < 0) {
            rc = -errno;
        }
        goto release;
    }
    if (need_wh) {
        if (renameat2(oup, oname, nup, nname, RENAME_WHITEOUT) == 0)
            goto release;
        if (errno != EINVAL && errno != EPERM) {
            rc = -errno;
            goto release;
        }
    }
    if (renameat(oup, oname, nup, nname) < 0) {
        rc = -errno;
        goto release;
    }
    if (need_wh)
        rc = ovl_mk_whiteout(fs, oup, oname, oup);
release:
    ovl_res_release(&ro);
    ovl_res_release(&rn);
unlock:
    pthread_mutex_unlock(&fs->tree);
    return rc;
}

void ovl_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname, unsigned int flags) {
    struct ovl_fs *fs = ovl_fs(req);
    int rc = do_rename(req, ovl_node(fs, parent), name, ovl_node(fs, newparent), newname, flags);
    fuse_reply_err(req, rc < 0 ? -rc : 0);
}
