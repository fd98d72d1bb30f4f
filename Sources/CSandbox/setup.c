// The mount loop: executes the planned operations inside the container's
// mount namespace, then makes the assembled tree the root.
//
// The layout follows bubblewrap: a private tmpfs becomes a temporary root,
// the host's tree stays reachable at /oldroot while the new tree is built at
// /newroot, and scratch directories (overlay upper/work dirs of throwaway
// containers, generated files) live in the temporary root itself.
#include "internal.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>


// The fd of a mount target (O_PATH). Below /newroot it is resolved inside
// the container's root and created there if missing (a directory, or an
// empty file for a file to be bound); elsewhere it is a staging path.
static int open_target(const struct dbx_op *op, int is_dir) {
    const char *rel;
    if (!dbx_in_root(op->dst, &rel) || *rel == '\0') {
        if (is_dir) {
            int rc = dbx_staging_mkdirs(op->dst, 0755);
            if (rc < 0) return rc;
        }
        int fd = open(op->dst, O_PATH | O_CLOEXEC | (is_dir ? O_DIRECTORY : 0));
        return fd < 0 ? -errno : fd;
    }
    if (op->flags & DBX_OP_FLAG_NO_SYMLINKS) {
        // /proc and /sys: a directory at exactly that path, never where a
        // symlink of the image's would put it (the masks are laid by path).
        int fd = dbx_root_open(rel, O_PATH | O_DIRECTORY, 1);
        if (fd != -ENOENT) return fd;
        fd = dbx_root_mkdirs(rel, 0755);
        if (fd < 0) return fd;
        close(fd);
        return dbx_root_open(rel, O_PATH | O_DIRECTORY, 1);
    }
    return is_dir ? dbx_root_mkdirs(rel, 0755) : dbx_root_mkfile(rel);
}

// The fd of a mount target, or the setup ends with a message that names
// the kind of trouble an image can make.
static int must_open_target(const struct dbx_op *op, int is_dir) {
    int fd = open_target(op, is_dir);
    if (fd >= 0) return fd;
    if (fd == -ELOOP && (op->flags & DBX_OP_FLAG_NO_SYMLINKS))
        dbx_die("refusing to mount onto a symlink (/proc and /sys must be directories in the image):", op->dst, ELOOP);
    if (fd == -ELOOP) dbx_die("cannot create mountpoint (a loop of symlinks in the container's root)", op->dst, ELOOP);
    dbx_die("cannot create mountpoint", op->dst, -fd);
}

static int is_directory(int fd) {
    struct stat st;
    return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
}

// A new filesystem of `type` attached to target: 0 or -errno.
static int attach_new(int target, const char *type, const char *data, unsigned int attrs) {
    char path[64];
    int rc, mnt = dbx_magic_path(target, path, sizeof path) ? -ENOSYS : dbx_fs_mount(type, data, attrs);
    if (mnt >= 0) {
        rc = dbx_attach(mnt, target);
        close(mnt);
    } else {
        rc = dbx_new_api_refused(mnt) ? dbx_mount_legacy(type, target, data, attrs) : mnt;
    }
    return rc;
}

// A new filesystem of `type` attached to the op's target.
static void mount_new(const struct dbx_op *op, const char *type, const char *data, unsigned int attrs, const char *what) {
    int target = must_open_target(op, 1);
    int rc = attach_new(target, type, data, attrs);
    close(target);
    if (rc < 0 && !(op->flags & DBX_OP_FLAG_OPTIONAL)) dbx_die(what, op->dst, -rc);
}

// The per-mount flags an op asks for (nosuid, nodev, noexec, ro).
static unsigned int op_attrs(const struct dbx_op *op) {
    return ((op->flags & DBX_OP_FLAG_READONLY) ? DBX_MOUNT_RDONLY : 0) | ((op->flags & DBX_OP_FLAG_NOSUID) ? DBX_MOUNT_NOSUID : 0) |
           ((op->flags & DBX_OP_FLAG_NODEV) ? DBX_MOUNT_NODEV : 0) | ((op->flags & DBX_OP_FLAG_NOEXEC) ? DBX_MOUNT_NOEXEC : 0);
}

// Flags set on the detached copy before anyone can see it. Where the
// kernel lacks mount_setattr (before 5.12) read-only is done by a remount
// once attached (returns 1) and the other flags are left out.
static int attrs_before_attach(int tree, unsigned int attrs, int recursive) {
    if (!attrs) return 0;
    int rc = dbx_setattr_fd(tree, attrs, recursive);
    if (rc == -ENOSYS || rc == -EPERM) return (attrs & DBX_MOUNT_RDONLY) ? 1 : 0;
    return rc;
}

static void readonly_after_attach(const struct dbx_op *op, int target, int recursive) {
    char path[4096];
    int rc = dbx_fd_path(target, path, sizeof path);
    if (rc < 0) dbx_die("cannot make read-only", op->dst, -rc);
    if (dbx_make_readonly(path, recursive) < 0) dbx_die("cannot make read-only", op->dst, errno);
}

// A copy of the tree at (dirfd, path) attached to target, with `attrs`.
static void attach_copy(const struct dbx_op *op, int dirfd, const char *path, int target, int recursive, unsigned int attrs) {
    char link[64];
    // With no flags to set first, a bind onto the magic link is one call.
    int tree = !attrs && dirfd == AT_FDCWD && dbx_magic_path(target, link, sizeof link) ? -ENOSYS : dbx_clone_tree(dirfd, path, recursive);
    if (dbx_new_api_refused(tree)) {
        // Bound the old way: only read-only can be added after.
        int rc = dbx_bind_legacy(dirfd, path, target, recursive);
        if (rc < 0) dbx_die("cannot bind-mount", *path ? path : op->dst, -rc);
        if (attrs & DBX_MOUNT_RDONLY) readonly_after_attach(op, target, recursive);
        return;
    }
    if (tree < 0) dbx_die("cannot bind-mount", *path ? path : op->dst, -tree);
    int later = attrs_before_attach(tree, attrs, recursive);
    if (later < 0) dbx_die("cannot set the mount flags of", op->dst, -later);
    int rc = dbx_attach(tree, target);
    if (rc < 0) dbx_die("cannot bind-mount", *path ? path : op->dst, -rc);
    close(tree);
    if (later) readonly_after_attach(op, target, recursive);
}

// /sys for a container with a network namespace of its own: a new sysfs,
// whose /sys/class/net lists that namespace's devices rather than the
// host's (as runc and podman mount it), taken in the container's network
// namespace (a deferred one is joined first), with the host's cgroup tree
// bound below it as the host /sys shows it. Where the kernel refuses a new
// sysfs (a host /sys with parts hidden under other mounts, an LSM), the
// host's /sys is bound instead, as for a container on the host's network.
static void mount_sysfs(const struct dbx_config *c, const struct dbx_op *op) {
    unsigned int attrs = DBX_MOUNT_NOSUID | DBX_MOUNT_NODEV | DBX_MOUNT_NOEXEC | op_attrs(op);
    dbx_join_deferred_network();
    int target = must_open_target(op, 1);
    int rc = attach_new(target, "sysfs", NULL, attrs);
    if (rc < 0) {
        dbx_trace(c, "a new sysfs refused, binding the host's", op->dst);
        attach_copy(op, AT_FDCWD, "/oldroot/sys", target, 1, attrs);
        close(target);
        return;
    }
    close(target);
    char cgroup[4096];
    const char *rel;
    struct stat st;
    if (stat("/oldroot/sys/fs/cgroup", &st) < 0 || !S_ISDIR(st.st_mode)) return;
    if ((size_t)snprintf(cgroup, sizeof cgroup, "%s/fs/cgroup", op->dst) >= sizeof cgroup)
        dbx_die("cannot bind the cgroup tree below", op->dst, ENAMETOOLONG);
    if (!dbx_in_root(cgroup, &rel)) dbx_die("cannot bind the cgroup tree outside the container at", op->dst, EINVAL);
    // Inside the new sysfs: the kernel's own directory, no symlink of anyone's.
    if ((target = dbx_root_open(rel, O_PATH | O_DIRECTORY, 1)) < 0) dbx_die("cannot bind the cgroup tree onto", cgroup, -target);
    attach_copy(op, AT_FDCWD, "/oldroot/sys/fs/cgroup", target, 1, attrs);
    close(target);
}

// Masks share one empty read-only tmpfs, mounted once in the staging root.
#define EMPTY_DIR "/.devbox-empty"
static int empty_dir_ready;

// A directory of the root's own tmpfs standing in for a tmpfs mount (a
// `directory` mount of the spec): the same empty, writable, throwaway view
// without a superblock to make and tear down. Exactly the mode asked for
// (mkdir's is cut by the umask and may drop the sticky bit), and its owner.
static void make_directory(const struct dbx_op *op) {
    const char *rel;
    if (!dbx_in_root(op->dst, &rel) || *rel == '\0') dbx_die("a directory step must be inside the root:", op->dst, EINVAL);
    int path_fd = dbx_root_mkdirs(rel, 0700);
    if (path_fd < 0) dbx_die("cannot create directory", op->dst, -path_fd);
    // An O_PATH fd takes neither fchown nor fchmod.
    int fd = openat(path_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) dbx_die("cannot open directory", op->dst, errno);
    close(path_fd);
    unsigned int uid, gid;
    if (op->data && sscanf(op->data, "%u:%u", &uid, &gid) == 2 && fchown(fd, (uid_t)uid, (gid_t)gid) < 0)
        dbx_die("cannot set the owner of", op->dst, errno);
    if (fchmod(fd, op->mode & 07777) < 0) dbx_die("cannot set the mode of", op->dst, errno);
    close(fd);
}

static void run_op(const struct dbx_config *c, const struct dbx_op *op) {
    int rc = 0, target;
    const char *rel;
    dbx_trace(c, "mount op", op->dst);
    switch (op->kind) {
    case DBX_OP_MKDIR:
        // An overlay's new upper (the common case: one mkdir, no opens).
        if (op->src && !dbx_in_root(op->dst, &rel) && dbx_staging_mkdir_like(op->dst, op->src) == 0) break;
        rc = dbx_in_root(op->dst, &rel) ? dbx_root_mkdirs(rel, op->mode ? op->mode : 0755) : dbx_staging_mkdirs(op->dst, op->mode ? op->mode : 0755);
        if (rc < 0) dbx_die("cannot create directory", op->dst, -rc);
        if (rc > 0) close(rc);
        if (op->src) dbx_staging_mode_like(op->dst, op->src);
        break;
    case DBX_OP_DIRECTORY:
        make_directory(op);
        break;
    case DBX_OP_TMPFS:
        mount_new(op, "tmpfs", op->data, DBX_MOUNT_NOSUID | DBX_MOUNT_NODEV | op_attrs(op), "cannot mount tmpfs on");
        break;
    case DBX_OP_BIND: {
        struct stat st;
        if (stat(op->src, &st) < 0) {
            if (op->flags & DBX_OP_FLAG_OPTIONAL) break;
            dbx_die("cannot bind-mount missing", op->src, errno);
        }
        target = must_open_target(op, S_ISDIR(st.st_mode));
        if (is_directory(target) != !!S_ISDIR(st.st_mode))
            dbx_die(S_ISDIR(st.st_mode) ? "cannot bind a directory onto the file" : "cannot bind a file onto the directory", op->dst, ENOTDIR);
        // On a device node nosuid and noexec change nothing (it is never
        // executed), and without them the bind is one call.
        attach_copy(op, AT_FDCWD, op->src, target, 1,
                    S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? op_attrs(op) & (DBX_MOUNT_RDONLY | DBX_MOUNT_NODEV) : op_attrs(op));
        close(target);
        break;
    }
    case DBX_OP_OVERLAY:
        target = must_open_target(op, 1);
        if ((rc = dbx_mount_overlay(target, op->data)) < 0) dbx_die("cannot mount the overlay on", op->dst, -rc);
        close(target);
        break;
    case DBX_OP_FUSE:
        target = must_open_target(op, 1);
        dbx_mount_fuse(c, op, target);
        close(target);
        break;
    case DBX_OP_PROC:
        mount_new(op, "proc", NULL, DBX_MOUNT_NOSUID | DBX_MOUNT_NODEV | DBX_MOUNT_NOEXEC, "cannot mount proc on");
        break;
    case DBX_OP_SYSFS:
        mount_sysfs(c, op);
        break;
    case DBX_OP_DEVPTS:
        mount_new(op, "devpts", op->data, DBX_MOUNT_NOSUID | DBX_MOUNT_NOEXEC, "cannot mount devpts on");
        break;
    case DBX_OP_MQUEUE:
        mount_new(op, "mqueue", NULL, DBX_MOUNT_NOSUID | DBX_MOUNT_NODEV | DBX_MOUNT_NOEXEC, "cannot mount mqueue on");
        break;
    case DBX_OP_SYMLINK:
        if (dbx_in_root(op->dst, &rel)) {
            if ((rc = dbx_root_symlink(op->src, rel)) < 0) dbx_die("cannot create symlink", op->dst, -rc);
        } else {
            struct stat st;
            if (lstat(op->dst, &st) < 0 && symlink(op->src, op->dst) < 0) dbx_die("cannot create symlink", op->dst, errno);
        }
        break;
    case DBX_OP_WRITE_FILE:
        rc = dbx_in_root(op->dst, &rel) ? dbx_root_write(rel, op->data ? op->data : "", op->mode ? op->mode : 0644)
                                        : dbx_staging_write(op->dst, op->data ? op->data : "", op->mode ? op->mode : 0644);
        if (rc < 0) dbx_die("cannot write", op->dst, -rc);
        break;
    case DBX_OP_READONLY:
        if (!dbx_in_root(op->dst, &rel) || *rel == '\0') {
            if (dbx_make_readonly(op->dst, !(op->flags & DBX_OP_FLAG_SINGLE)) < 0) dbx_die("cannot make read-only", op->dst, errno);
            break;
        }
        if ((target = dbx_root_open(rel, O_PATH, 0)) < 0) dbx_die("cannot make read-only", op->dst, -target);
        if ((rc = attrs_before_attach(target, DBX_MOUNT_RDONLY, !(op->flags & DBX_OP_FLAG_SINGLE))) < 0) dbx_die("cannot make read-only", op->dst, -rc);
        if (rc > 0) readonly_after_attach(op, target, !(op->flags & DBX_OP_FLAG_SINGLE));
        close(target);
        break;
    case DBX_OP_MASK:
        // Paths a kernel does not have are simply not there to hide.
        if (!dbx_in_root(op->dst, &rel)) dbx_die("cannot mask a path outside the container", op->dst, EINVAL);
        if ((target = dbx_root_open(rel, O_PATH, 0)) < 0) {
            if (target == -ENOENT) break;
            dbx_die("cannot mask", op->dst, -target);
        }
        if (is_directory(target)) {
            if (!empty_dir_ready) {
                unsigned int attrs = DBX_MOUNT_RDONLY | DBX_MOUNT_NOSUID | DBX_MOUNT_NODEV | DBX_MOUNT_NOEXEC;
                if (mkdir(EMPTY_DIR, 0555) < 0 && errno != EEXIST) dbx_die("cannot mask", op->dst, errno);
                int dir = open(EMPTY_DIR, O_PATH | O_DIRECTORY | O_CLOEXEC);
                if (dir < 0) dbx_die("cannot mask", op->dst, errno);
                int empty = dbx_fs_mount("tmpfs", "size=0,mode=0555", attrs);
                if (empty >= 0) {
                    rc = dbx_attach(empty, dir);
                    close(empty);
                } else {
                    rc = dbx_new_api_refused(empty) ? dbx_mount_legacy("tmpfs", dir, "size=0,mode=0555", attrs) : empty;
                }
                close(dir);
                if (rc < 0) dbx_die("cannot mask", op->dst, -rc);
                empty_dir_ready = 1;
            }
            attach_copy(op, AT_FDCWD, EMPTY_DIR, target, 0, 0);
        } else {
            attach_copy(op, AT_FDCWD, "/oldroot/dev/null", target, 0, 0);
        }
        close(target);
        break;
    case DBX_OP_READONLY_PATH:
        if (!dbx_in_root(op->dst, &rel)) dbx_die("cannot make read-only a path outside the container", op->dst, EINVAL);
        if ((target = dbx_root_open(rel, O_PATH, 0)) < 0) {
            if (target == -ENOENT) break;
            dbx_die("cannot make read-only", op->dst, -target);
        }
        attach_copy(op, target, "", target, 1, DBX_MOUNT_RDONLY);
        close(target);
        break;
    default:
        dbx_die("unknown mount operation for", op->dst, EINVAL);
    }
    // A mount on the root itself: later paths resolve in what was mounted.
    if (dbx_in_root(op->dst, &rel) && *rel == '\0') dbx_root_changed();
}

void dbx_apply_policy(const struct dbx_config *c) {
    for (size_t i = 0; i < c->nops; i++) if (dbx_is_policy_op(&c->ops[i])) run_op(c, &c->ops[i]);
}

void dbx_run_offloaded(const struct dbx_config *c, const struct dbx_setup_helper *helper) {
    for (size_t i = 0; i < c->nops; i++) if (helper->offload[i]) run_op(c, &c->ops[i]);
}

// The helper's report ('O' its subtrees built, 'd' the masks laid); EOF:
// it is gone. It says why when it fails; not when a signal killed it.
static void wait_for_helper(const struct dbx_setup_helper *helper, const char *doing) {
    char done;
    if (read(helper->done_fd, &done, 1) == 1) return;
    int status;
    if (waitpid(helper->pid, &status, 0) == helper->pid && WIFSIGNALED(status)) {
        char msg[160];
        int n = snprintf(msg, sizeof msg, "devbox: the container's setup was killed (signal %d) while %s\n", WTERMSIG(status), doing);
        if (n > 0) (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
    }
    _exit(DBX_EXIT_SETUP);
}

int dbx_setup_mounts(const struct dbx_config *c, const struct dbx_setup_helper *helper) {
    // Nothing done here may propagate back to the host's mount table.
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) dbx_die("cannot make mounts private", "/", errno);
    if (mount("tmpfs", c->staging, "tmpfs", MS_NODEV | MS_NOSUID, "mode=0755") < 0)
        dbx_die("cannot mount the staging tmpfs on", c->staging, errno);
    if (chdir(c->staging) < 0) dbx_die("cannot enter", c->staging, errno);
    if (mkdir("oldroot", 0755) < 0 || mkdir("newroot", 0755) < 0) dbx_die("cannot prepare", c->staging, errno);
    if (syscall(SYS_pivot_root, ".", "oldroot") < 0) dbx_die("cannot pivot into", c->staging, errno);
    if (chdir("/") < 0) dbx_die("cannot enter", "/", errno);

    // With a helper, the policy steps are its job once the steps they build
    // on are done, and so are the overlays it was given once the root is
    // there; this process goes on with the rest meanwhile.
    int policy = helper && helper->after >= 0, overlays = helper && helper->offloaded > 0;
    for (size_t i = 0; i < c->nops; i++) {
        if (overlays && helper->offload[i]) continue;
        if (policy && dbx_is_policy_op(&c->ops[i])) continue;
        if (overlays && i == helper->offload_wait) wait_for_helper(helper, "building its share of the mounts");
        run_op(c, &c->ops[i]);
        if (overlays && i == helper->offload_after) (void)!write(helper->start_fd, "o", 1);
        if (policy && (ssize_t)i == helper->after) (void)!write(helper->start_fd, "p", 1);
    }
    if (overlays && helper->offload_wait == c->nops) wait_for_helper(helper, "building its share of the mounts");
    if (policy) wait_for_helper(helper, "masking paths");

    dbx_trace(c, "pivot_root", "/newroot");
    if (chdir("/newroot") < 0) dbx_die("cannot enter", "/newroot", errno);
    // pivot_root(".", ".") stacks the staging root on top of the new one;
    // detaching "." removes it together with the host's tree under /oldroot,
    // leaving only the container. One detach, not two: each pays an RCU
    // grace period in the kernel.
    if (syscall(SYS_pivot_root, ".", ".") < 0) dbx_die("cannot pivot into the container's root", NULL, errno);
    dbx_trace(c, "detach", "the staging root");
    if (umount2(".", MNT_DETACH) < 0) dbx_die("cannot detach the staging root and the host's tree", NULL, errno);
    dbx_trace(c, "detached", NULL);
    if (chdir("/") < 0) dbx_die("cannot enter", "/", errno);
    return 0;
}
