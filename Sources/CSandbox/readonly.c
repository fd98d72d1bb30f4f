// Making a mount read-only. mount_setattr(2) (Linux 5.12) does it for a whole
// subtree in one call. Without it (5.11, or under valgrind, which does not
// know the call) each mount is remounted on its own: the mount and, for a
// recursive request, every mount below it that /proc/self/mountinfo lists.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef SYS_mount_setattr
#define SYS_mount_setattr 442
#endif
#ifndef MOUNT_ATTR_RDONLY
#define MOUNT_ATTR_RDONLY 0x00000001
#endif
#ifndef AT_RECURSIVE
#define AT_RECURSIVE 0x8000
#endif

struct dbx_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

// A remount inside a user namespace must repeat the flags the host locked
// (nosuid, nodev, noexec, atime), or the kernel refuses it with EPERM.
static int remount_readonly(const char *path) {
    struct statvfs sv;
    if (statvfs(path, &sv) < 0) return -1;
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
    if (sv.f_flag & ST_NOSUID) flags |= MS_NOSUID;
    if (sv.f_flag & ST_NODEV) flags |= MS_NODEV;
    if (sv.f_flag & ST_NOEXEC) flags |= MS_NOEXEC;
    if (sv.f_flag & ST_NOATIME) flags |= MS_NOATIME;
    if (sv.f_flag & ST_NODIRATIME) flags |= MS_NODIRATIME;
    if (sv.f_flag & ST_RELATIME) flags |= MS_RELATIME;
    // Neither: strictatime, which a remount must ask for (relatime is its default).
    if (!(sv.f_flag & (ST_NOATIME | ST_RELATIME))) flags |= MS_STRICTATIME;
    return mount(NULL, path, NULL, flags, NULL);
}

// mountinfo escapes space, tab, newline and backslash as \ooo.
static void unescape(char *s) {
    char *out = s;
    for (char *in = s; *in; out++) {
        if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' && in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
            *out = (char)((in[1] - '0') << 6 | (in[2] - '0') << 3 | (in[3] - '0'));
            in += 4;
        } else {
            *out = *in++;
        }
    }
    *out = '\0';
}

static int remount_tree_readonly(const char *path) {
    if (remount_readonly(path) < 0) return -1;
    // During setup the host's /proc is under /oldroot (setup.c).
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) f = fopen("/oldroot/proc/self/mountinfo", "re");
    if (!f) return -1;
    size_t len = strlen(path);
    while (len > 0 && path[len - 1] == '/') len--;   // "/" becomes "", below which is everything
    char line[8192], mountpoint[4096];
    int rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        // id parent major:minor root mountpoint ...
        if (sscanf(line, "%*s %*s %*s %*s %4095s", mountpoint) != 1) continue;
        unescape(mountpoint);
        if (strncmp(mountpoint, path, len) != 0 || mountpoint[len] != '/') continue;
        // A mount devbox cannot reach (under /sys/kernel/debug, say) is
        // just as unreachable for the container's processes.
        if ((rc = remount_readonly(mountpoint)) < 0 && (errno == EACCES || errno == ENOENT)) rc = 0;
    }
    int saved = errno;
    fclose(f);
    errno = saved;
    return rc;
}

int dbx_make_readonly(const char *path, int recursive) {
    static int no_setattr;
    if (!no_setattr) {
        struct dbx_mount_attr attr = {MOUNT_ATTR_RDONLY, 0, 0, 0};
        int rc = (int)syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attr, sizeof attr);
        if (rc == 0 || errno != ENOSYS) return rc;
        no_setattr = 1;
    }
    return recursive ? remount_tree_readonly(path) : remount_readonly(path);
}
