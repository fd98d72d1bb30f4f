// Mounts made as file descriptors (the mount API of Linux 5.2): a new
// filesystem or a copy of a tree is created detached, given its flags
// while nobody can see it, and attached to a target that is itself an fd
// resolved inside the container's root (inroot.c). No path is walked twice.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_open_tree
#define SYS_open_tree 428
#define SYS_move_mount 429
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif
#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#define F_OPEN_TREE_CLONE 1
#define F_AT_RECURSIVE 0x8000
#define F_MOVE_MOUNT_F_EMPTY_PATH 0x04
#define F_MOVE_MOUNT_T_EMPTY_PATH 0x40
#define F_FSCONFIG_SET_FLAG 0
#define F_FSCONFIG_SET_STRING 1
#define F_FSCONFIG_CMD_CREATE 6
#define F_FSOPEN_CLOEXEC 1
#define F_FSMOUNT_CLOEXEC 1

struct dbx_mount_attr_fd {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

static int fail_errno(void) { return -errno; }

// Sets one "key=value" or "flag" option. fsconfig(2) takes values of at
// most 256 bytes: a longer lowerdir list goes layer by layer ("lowerdir+",
// Linux 6.8).
static int set_option(int fs, char *opt) {
    char *eq = strchr(opt, '=');
    if (!eq) return (int)syscall(SYS_fsconfig, fs, F_FSCONFIG_SET_FLAG, opt, NULL, 0);
    *eq = '\0';
    const char *key = opt, *value = eq + 1;
    if (strcmp(key, "lowerdir") == 0 && strlen(value) > 255) {
        char *save = NULL;
        for (char *layer = strtok_r((char *)value, ":", &save); layer; layer = strtok_r(NULL, ":", &save))
            if (syscall(SYS_fsconfig, fs, F_FSCONFIG_SET_STRING, "lowerdir+", layer, 0) < 0) return -1;
        return 0;
    }
    return (int)syscall(SYS_fsconfig, fs, F_FSCONFIG_SET_STRING, key, value, 0);
}

int dbx_fs_mount(const char *type, const char *data, unsigned int attrs) {
    int fs = (int)syscall(SYS_fsopen, type, F_FSOPEN_CLOEXEC);
    if (fs < 0) return fail_errno();
    int rc = 0;
    if (data && *data) {
        size_t len = strlen(data);
        char buf[len + 1];
        memcpy(buf, data, len + 1);
        char *save = NULL;
        for (char *opt = strtok_r(buf, ",", &save); opt && rc == 0; opt = strtok_r(NULL, ",", &save))
            rc = set_option(fs, opt);
    }
    if (rc == 0) rc = (int)syscall(SYS_fsconfig, fs, F_FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    int mnt = rc == 0 ? (int)syscall(SYS_fsmount, fs, F_FSMOUNT_CLOEXEC, attrs) : -1;
    int err = errno;
    close(fs);
    return mnt < 0 ? -err : mnt;
}

int dbx_clone_tree(int dirfd, const char *path, int recursive) {
    int flags = F_OPEN_TREE_CLONE | O_CLOEXEC | (recursive ? F_AT_RECURSIVE : 0) | (*path ? 0 : AT_EMPTY_PATH);
    int fd = (int)syscall(SYS_open_tree, dirfd, path, flags);
    return fd < 0 ? fail_errno() : fd;
}

int dbx_attach(int mnt, int target) {
    return syscall(SYS_move_mount, mnt, "", target, "", F_MOVE_MOUNT_F_EMPTY_PATH | F_MOVE_MOUNT_T_EMPTY_PATH) < 0
               ? fail_errno() : 0;
}

int dbx_setattr_fd(int fd, unsigned int attrs, int recursive) {
    struct dbx_mount_attr_fd attr = {attrs, 0, 0, 0};
    return syscall(SYS_mount_setattr, fd, "", AT_EMPTY_PATH | (recursive ? F_AT_RECURSIVE : 0), &attr, sizeof attr) < 0
               ? fail_errno() : 0;
}

// Where fd is, as a path from the current root: for the remount fallback
// of kernels without mount_setattr, which works on paths only. During
// setup /proc is the host's, under /oldroot.
int dbx_fd_path(int fd, char *buf, size_t len) {
    char link[64];
    snprintf(link, sizeof link, "/oldroot/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, buf, len - 1);
    if (n < 0) {
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        n = readlink(link, buf, len - 1);
    }
    if (n < 0) return -errno;
    buf[n] = '\0';
    return 0;
}

// An overlay's options fit in mount(2)'s page on every kernel, but in
// fsconfig(2) (256 bytes a value) only layer by layer from Linux 6.8 on.
// So mount(2) it is, onto the target through its magic link, which names
// exactly the resolved directory; the new API for lists beyond a page.
int dbx_mount_overlay(int target, const char *data) {
    if (strlen(data) < 4000) {
        char path[64];
        // No /proc of the host's to name it by (a sandbox around devbox):
        // the new API, with its limits.
        if (dbx_magic_path(target, path, sizeof path)) return mount("overlay", path, "overlay", 0, data) == 0 ? 0 : fail_errno();
    }
    int mnt = dbx_fs_mount("overlay", data, 0);
    if (mnt < 0) return mnt;
    int rc = dbx_attach(mnt, target);
    close(mnt);
    return rc;
}

// mount(2) fallbacks, for where the new API is refused: valgrind, or a
// sandbox around devbox whose filter does not know fsopen/open_tree
// (ENOSYS or EPERM). The target is still the fd resolved inside the
// root, named by its magic link.
int dbx_new_api_refused(int rc) { return rc == -ENOSYS || rc == -EPERM; }

static void magic(int fd, char *buf, size_t len) { snprintf(buf, len, "/oldroot/proc/self/fd/%d", fd); }

int dbx_magic_path(int fd, char *buf, size_t len) {
    static int usable = -1;
    if (usable < 0) usable = access("/oldroot/proc/self/fd", F_OK) == 0;
    magic(fd, buf, len);
    return usable;
}

static unsigned long ms_flags(unsigned int attrs) {
    return ((attrs & DBX_MOUNT_RDONLY) ? MS_RDONLY : 0) | ((attrs & DBX_MOUNT_NOSUID) ? MS_NOSUID : 0) |
           ((attrs & DBX_MOUNT_NODEV) ? MS_NODEV : 0) | ((attrs & DBX_MOUNT_NOEXEC) ? MS_NOEXEC : 0);
}

int dbx_mount_legacy(const char *type, int target, const char *data, unsigned int attrs) {
    char path[64];
    magic(target, path, sizeof path);
    return mount(type, path, type, ms_flags(attrs), data) == 0 ? 0 : fail_errno();
}

int dbx_bind_legacy(int dirfd, const char *src, int target, int recursive) {
    char from[64], to[64];
    if (dirfd != AT_FDCWD) {
        magic(dirfd, from, sizeof from);
        src = from;
    }
    magic(target, to, sizeof to);
    return mount(src, to, NULL, MS_BIND | (recursive ? MS_REC : 0), NULL) == 0 ? 0 : fail_errno();
}
