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

#ifndef SYS_fsopen
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#define SYS_move_mount 429
#endif
#define DBX_FSCONFIG_SET_STRING 1
#define DBX_FSCONFIG_CMD_CREATE 6
#define DBX_MOVE_MOUNT_F_EMPTY_PATH 0x00000004

// An overlay whose options do not fit in one page (images with many
// layers): the new mount API takes each lower layer separately with
// "lowerdir+" (Linux 6.8+), so the length of the list does not matter.
static int mount_overlay_fsconfig(const char *dst, const char *data) {
    int fs = (int)syscall(SYS_fsopen, "overlay", 0);
    if (fs < 0) return -1;
    char buf[strlen(data) + 1];
    memcpy(buf, data, sizeof buf);
    int rc = 0;
    for (char *opt = strtok(buf, ","); opt && rc == 0; opt = strtok(NULL, ",")) {
        char *eq = strchr(opt, '=');
        if (!eq) {
            rc = (int)syscall(SYS_fsconfig, fs, 0 /* FSCONFIG_SET_FLAG */, opt, NULL, 0);
            continue;
        }
        *eq = '\0';
        const char *key = opt, *value = eq + 1;
        if (strcmp(key, "lowerdir") == 0) {
            char *save = NULL;
            for (char *layer = strtok_r((char *)value, ":", &save); layer && rc == 0; layer = strtok_r(NULL, ":", &save))
                rc = (int)syscall(SYS_fsconfig, fs, DBX_FSCONFIG_SET_STRING, "lowerdir+", layer, 0);
        } else {
            rc = (int)syscall(SYS_fsconfig, fs, DBX_FSCONFIG_SET_STRING, key, value, 0);
        }
    }
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, DBX_FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    int mnt = rc == 0 ? (int)syscall(SYS_fsmount, fs, 0, 0) : -1;
    int saved = errno;
    close(fs);
    if (mnt < 0) { errno = saved; return -1; }
    rc = (int)syscall(SYS_move_mount, mnt, "", AT_FDCWD, dst, DBX_MOVE_MOUNT_F_EMPTY_PATH);
    saved = errno;
    close(mnt);
    errno = saved;
    return rc;
}

static int make_readonly(const char *path) { return dbx_make_readonly(path, 1); }

// mkdir -p, optimistic: the full path first, parents only when missing, so
// the common case (parent exists) costs one syscall.
static int mkdir_p(const char *path, mode_t mode) {
    if (mkdir(path, mode) == 0 || errno == EEXIST) return 0;
    if (errno != ENOENT) return -errno;
    char buf[4096];
    size_t len = strlen(path);
    if (len >= sizeof buf) return -ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return -ENOENT;
    *slash = '\0';
    int rc = mkdir_p(buf, 0755);
    if (rc < 0) return rc;
    if (mkdir(path, mode) < 0 && errno != EEXIST) return -errno;
    return 0;
}

static int mkdir_parent(const char *path) {
    char buf[4096];
    size_t len = strlen(path);
    if (len >= sizeof buf) return -ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return 0;
    *slash = '\0';
    return mkdir_p(buf, 0755);
}

// A bind mount needs a mountpoint of the source's kind. A symlink in the way
// is replaced (the mount would otherwise follow it, possibly out of the tree).
static int make_mountpoint(const char *dst, int is_dir) {
    if (is_dir) return mkdir_p(dst, 0755);
    int rc = mkdir_parent(dst);
    if (rc < 0) return rc;
    struct stat st;
    if (lstat(dst, &st) == 0) {
        if (!S_ISLNK(st.st_mode)) return 0;
        if (unlink(dst) < 0) return -errno;
    }
    int fd = open(dst, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return -errno;
    close(fd);
    return 0;
}

static int write_file(const char *dst, const char *data, mode_t mode) {
    int rc = mkdir_parent(dst);
    if (rc < 0) return rc;
    int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) return -errno;
    size_t len = strlen(data), off = 0;
    while (off < len) {
        ssize_t n = write(fd, data + off, len - off);
        if (n < 0) { rc = -errno; break; }
        off += (size_t)n;
    }
    close(fd);
    return rc;
}

static void run_op(const struct dbx_config *c, const struct dbx_op *op) {
    int rc = 0;
    struct stat st;
    dbx_trace(c, "mount op", op->dst);
    switch (op->kind) {
    case DBX_OP_MKDIR:
        if ((rc = mkdir_p(op->dst, op->mode ? op->mode : 0755)) < 0) dbx_die("cannot create directory", op->dst, -rc);
        break;
    case DBX_OP_TMPFS:
        if ((rc = mkdir_p(op->dst, 0755)) < 0) dbx_die("cannot create mountpoint", op->dst, -rc);
        if (mount("tmpfs", op->dst, "tmpfs", MS_NOSUID | MS_NODEV, op->data) < 0)
            dbx_die("cannot mount tmpfs on", op->dst, errno);
        if ((op->flags & DBX_OP_FLAG_READONLY) && make_readonly(op->dst) < 0)
            dbx_die("cannot make read-only", op->dst, errno);
        break;
    case DBX_OP_BIND:
        if (stat(op->src, &st) < 0) {
            if (op->flags & DBX_OP_FLAG_OPTIONAL) break;
            dbx_die("cannot bind-mount missing", op->src, errno);
        }
        if ((rc = make_mountpoint(op->dst, S_ISDIR(st.st_mode))) < 0)
            dbx_die("cannot create mountpoint", op->dst, -rc);
        if (mount(op->src, op->dst, NULL, MS_BIND | MS_REC, NULL) < 0)
            dbx_die("cannot bind-mount", op->src, errno);
        if ((op->flags & DBX_OP_FLAG_READONLY) && make_readonly(op->dst) < 0)
            dbx_die("cannot make read-only", op->dst, errno);
        break;
    case DBX_OP_OVERLAY:
        if ((rc = mkdir_p(op->dst, 0755)) < 0) dbx_die("cannot create mountpoint", op->dst, -rc);
        // mount(2) takes at most a page of options.
        if ((strlen(op->data) < 4000 ? mount("overlay", op->dst, "overlay", 0, op->data)
                                     : mount_overlay_fsconfig(op->dst, op->data)) < 0)
            dbx_die("cannot mount the overlay on", op->dst, errno);
        break;
    case DBX_OP_PROC:
        if ((rc = mkdir_p(op->dst, 0555)) < 0) dbx_die("cannot create mountpoint", op->dst, -rc);
        if (mount("proc", op->dst, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
            dbx_die("cannot mount proc on", op->dst, errno);
        break;
    case DBX_OP_DEVPTS:
        if ((rc = mkdir_p(op->dst, 0755)) < 0) dbx_die("cannot create mountpoint", op->dst, -rc);
        if (mount("devpts", op->dst, "devpts", MS_NOSUID | MS_NOEXEC, op->data) < 0)
            dbx_die("cannot mount devpts on", op->dst, errno);
        break;
    case DBX_OP_MQUEUE:
        if ((rc = mkdir_p(op->dst, 0755)) < 0) dbx_die("cannot create mountpoint", op->dst, -rc);
        if (mount("mqueue", op->dst, "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0 &&
            !(op->flags & DBX_OP_FLAG_OPTIONAL))
            dbx_die("cannot mount mqueue on", op->dst, errno);
        break;
    case DBX_OP_SYMLINK:
        if (lstat(op->dst, &st) == 0) break;
        if ((rc = mkdir_parent(op->dst)) < 0) dbx_die("cannot create directory for", op->dst, -rc);
        if (symlink(op->src, op->dst) < 0) dbx_die("cannot create symlink", op->dst, errno);
        break;
    case DBX_OP_WRITE_FILE:
        if ((rc = write_file(op->dst, op->data ? op->data : "", op->mode ? op->mode : 0644)) < 0)
            dbx_die("cannot write", op->dst, -rc);
        break;
    case DBX_OP_READONLY:
        if (dbx_make_readonly(op->dst, !(op->flags & DBX_OP_FLAG_SINGLE)) < 0)
            dbx_die("cannot make read-only", op->dst, errno);
        break;
    case DBX_OP_MASK:
        // Paths a kernel does not have are simply not there to hide. The
        // type decides the mask: a bind of /dev/null cannot cover a
        // directory, and a failed attempt costs more than this lstat.
        if (lstat(op->dst, &st) < 0) break;
        if (S_ISDIR(st.st_mode)) {
            if (mount("tmpfs", op->dst, "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, "size=0,mode=0555") < 0)
                dbx_die("cannot mask", op->dst, errno);
        } else if (mount("/oldroot/dev/null", op->dst, NULL, MS_BIND, NULL) < 0) {
            dbx_die("cannot mask", op->dst, errno);
        }
        break;
    case DBX_OP_READONLY_PATH:
        if (mount(op->dst, op->dst, NULL, MS_BIND | MS_REC, NULL) < 0) {
            if (errno == ENOENT) break;
            dbx_die("cannot make read-only", op->dst, errno);
        }
        if (make_readonly(op->dst) < 0) dbx_die("cannot make read-only", op->dst, errno);
        break;
    default:
        dbx_die("unknown mount operation for", op->dst, EINVAL);
    }
}

// Masked and read-only paths: the profile's policy, applied last.
static int is_policy(const struct dbx_op *op) { return op->kind == DBX_OP_MASK || op->kind == DBX_OP_READONLY_PATH; }

// Whether one path is the other or lies below it.
static int overlaps(const char *a, const char *b) {
    if (!a || !b) return 0;
    size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
    if (strncmp(a, b, n) != 0) return 0;
    const char *longer = la > lb ? a : b;
    return la == lb || longer[n] == '/' || (n > 0 && longer[n - 1] == '/');
}

// In /proc and /sys no step but their own mounts and the policy's puts
// anything, so no symlink elsewhere can make two steps meet that the path
// text keeps apart.
static int in_kernel_tree(const char *path) {
    return strncmp(path, "/newroot/proc/", 14) == 0 || strncmp(path, "/newroot/sys/", 13) == 0;
}

ssize_t dbx_policy_start(const struct dbx_config *c) {
    size_t first = c->nops;
    for (size_t i = 0; i < c->nops; i++) {
        if (!is_policy(&c->ops[i])) continue;
        if (!in_kernel_tree(c->ops[i].dst)) return -1;
        if (first == c->nops) first = i;
    }
    if (first == c->nops) return -1;
    ssize_t after = -1;
    for (size_t i = 0; i < c->nops; i++) {
        const struct dbx_op *op = &c->ops[i];
        if (is_policy(op)) continue;
        for (size_t j = first; j < c->nops; j++) {
            if (!is_policy(&c->ops[j]) || !(overlaps(op->dst, c->ops[j].dst) || overlaps(op->src, c->ops[j].dst))) continue;
            if (i > first) return -1;   // a later step touches a policy path: keep the given order
            after = (ssize_t)i;
        }
    }
    return after;   // -1 also when nothing comes first: then there is nothing to gain
}

void dbx_apply_policy(const struct dbx_config *c) {
    for (size_t i = 0; i < c->nops; i++) if (is_policy(&c->ops[i])) run_op(c, &c->ops[i]);
}

int dbx_setup_mounts(const struct dbx_config *c, const struct dbx_policy_helper *helper) {
    // Nothing done here may propagate back to the host's mount table.
    if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0) dbx_die("cannot make mounts private", "/", errno);
    if (mount("tmpfs", c->staging, "tmpfs", MS_NODEV | MS_NOSUID, "mode=0755") < 0)
        dbx_die("cannot mount the staging tmpfs on", c->staging, errno);
    if (chdir(c->staging) < 0) dbx_die("cannot enter", c->staging, errno);
    if (mkdir("oldroot", 0755) < 0 || mkdir("newroot", 0755) < 0) dbx_die("cannot prepare", c->staging, errno);
    if (syscall(SYS_pivot_root, ".", "oldroot") < 0) dbx_die("cannot pivot into", c->staging, errno);
    if (chdir("/") < 0) dbx_die("cannot enter", "/", errno);

    // With a helper, the policy steps are its job once the steps they build
    // on are done; this process goes on with the rest meanwhile.
    for (size_t i = 0; i < c->nops; i++) {
        if (helper && is_policy(&c->ops[i])) continue;
        run_op(c, &c->ops[i]);
        if (helper && (ssize_t)i == helper->after) (void)!write(helper->start_fd, "p", 1);
    }
    if (helper) {
        // EOF: the helper is gone. It says why when it fails; not when a
        // signal killed it.
        char done;
        if (read(helper->done_fd, &done, 1) != 1) {
            int status;
            if (waitpid(helper->pid, &status, 0) == helper->pid && WIFSIGNALED(status)) {
                char msg[128];
                int n = snprintf(msg, sizeof msg, "devbox: the container's setup was killed (signal %d) while masking paths\n",
                                 WTERMSIG(status));
                if (n > 0) (void)!write(2, msg, (size_t)n < sizeof msg ? (size_t)n : sizeof msg - 1);
            }
            _exit(DBX_EXIT_SETUP);
        }
    }

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
