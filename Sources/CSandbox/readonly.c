// Making a mount read-only. mount_setattr(2) (Linux 5.12) does it for a whole
// subtree in one call. Without it (5.11, valgrind, or a sandbox around devbox
// whose filter refuses calls it does not know) each mount is remounted on its
// own: the mount and, for a recursive request, every mount below it.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
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
#ifndef MS_NOSYMFOLLOW
#define MS_NOSYMFOLLOW 256
#endif

struct dbx_mount_attr {
    uint64_t attr_set, attr_clr, propagation, userns_fd;
};

// A bind remount sets every per-mount flag anew, and inside a user namespace
// the kernel refuses to clear one the host locked: repeat what the mount has,
// as mountinfo's per-mount options (field 6) say. No call reaches the
// filesystem, so a dead network mount cannot hang the setup.
static unsigned long remount_flags(const char *options) {
    unsigned long flags = MS_REMOUNT | MS_BIND | MS_RDONLY;
    int atime_named = 0;
    const char *p = options;
    while (*p) {
        size_t n = strcspn(p, ",");
        if (n == 6 && !strncmp(p, "nosuid", n)) flags |= MS_NOSUID;
        else if (n == 5 && !strncmp(p, "nodev", n)) flags |= MS_NODEV;
        else if (n == 6 && !strncmp(p, "noexec", n)) flags |= MS_NOEXEC;
        else if (n == 7 && !strncmp(p, "noatime", n)) { flags |= MS_NOATIME; atime_named = 1; }
        else if (n == 8 && !strncmp(p, "relatime", n)) { flags |= MS_RELATIME; atime_named = 1; }
        else if (n == 10 && !strncmp(p, "nodiratime", n)) flags |= MS_NODIRATIME;
        else if (n == 11 && !strncmp(p, "nosymfollow", n)) flags |= MS_NOSYMFOLLOW;
        p += n + (p[n] == ',');
    }
    // Neither: strictatime, which a remount must ask for (relatime is its default).
    if (!atime_named) flags |= MS_STRICTATIME;
    return flags;
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

struct mount_entry {
    char *mountpoint, *options;
};

// Every mount at `path` or (recursive) below it, in mountinfo's order:
// parents before children, and of mounts stacked on one path the top last.
static int read_mounts(const char *path, size_t len, int recursive, struct mount_entry **out, size_t *count) {
    // During setup the host's /proc is under /oldroot (setup.c).
    FILE *f = fopen("/proc/self/mountinfo", "re");
    if (!f) f = fopen("/oldroot/proc/self/mountinfo", "re");
    if (!f) return -1;
    char line[8192], mountpoint[4096], options[1024];
    size_t cap = 0;
    *out = NULL;
    *count = 0;
    while (fgets(line, sizeof line, f)) {
        // id parent major:minor root mountpoint options ...
        if (sscanf(line, "%*s %*s %*s %*s %4095s %1023s", mountpoint, options) != 2) continue;
        unescape(mountpoint);
        if (strncmp(mountpoint, path, len) != 0) continue;
        if (!(mountpoint[len] == '\0' && len > 0) && !(recursive && mountpoint[len] == '/')) continue;
        if (*count == cap) {
            cap = cap ? cap * 2 : 16;
            struct mount_entry *grown = realloc(*out, cap * sizeof **out);
            if (!grown) break;
            *out = grown;
        }
        (*out)[*count].mountpoint = strdup(mountpoint);
        (*out)[*count].options = strdup(options);
        if (!(*out)[*count].mountpoint || !(*out)[*count].options) break;
        (*count)++;
    }
    fclose(f);
    return 0;
}

static int remount_readonly(const char *path, int recursive) {
    size_t len = strlen(path);
    while (len > 0 && path[len - 1] == '/') len--;   // "/" becomes "", below which is everything
    struct mount_entry *mounts;
    size_t count;
    if (read_mounts(path, len, recursive, &mounts, &count) < 0) return -1;
    int rc = 0, found = 0;
    for (size_t i = 0; i < count && rc == 0; i++) {
        // Only the top of mounts stacked on one path is reachable by it.
        int covered = 0;
        for (size_t j = i + 1; j < count && !covered; j++) covered = !strcmp(mounts[i].mountpoint, mounts[j].mountpoint);
        if (covered) continue;
        found |= !strncmp(mounts[i].mountpoint, path, len) && mounts[i].mountpoint[len] == '\0';
        // A mount devbox cannot reach (under /sys/kernel/debug, say) is
        // just as unreachable for the container's processes.
        if ((rc = mount(NULL, mounts[i].mountpoint, NULL, remount_flags(mounts[i].options), NULL)) < 0 &&
            (errno == EACCES || errno == ENOENT) && strcmp(mounts[i].mountpoint, path) != 0)
            rc = 0;
    }
    int saved = errno;
    for (size_t i = 0; i < count; i++) { free(mounts[i].mountpoint); free(mounts[i].options); }
    free(mounts);
    errno = saved;
    if (rc == 0 && !found) {
        // Not a mount point by that spelling (a symlink on the way): the
        // mount it lies on, with the flags statvfs reports.
        struct statvfs sv;
        if (statvfs(path, &sv) < 0) return -1;
        char options[64] = "";
        if (sv.f_flag & ST_NOSUID) strcat(options, "nosuid,");
        if (sv.f_flag & ST_NODEV) strcat(options, "nodev,");
        if (sv.f_flag & ST_NOEXEC) strcat(options, "noexec,");
        if (sv.f_flag & ST_NOATIME) strcat(options, "noatime,");
        if (sv.f_flag & ST_RELATIME) strcat(options, "relatime,");
        rc = mount(NULL, path, NULL, remount_flags(options), NULL);
    }
    return rc;
}

int dbx_make_readonly(const char *path, int recursive) {
    static int no_setattr;
    if (!no_setattr) {
        struct dbx_mount_attr attr = {MOUNT_ATTR_RDONLY, 0, 0, 0};
        int rc = (int)syscall(SYS_mount_setattr, AT_FDCWD, path, recursive ? AT_RECURSIVE : 0, &attr, sizeof attr);
        // EPERM too: filters of older container runtimes refuse calls they
        // do not know that way. Where it is a real refusal, so is the remount.
        if (rc == 0 || (errno != ENOSYS && errno != EPERM)) return rc;
        no_setattr = 1;
    }
    return remount_readonly(path, recursive);
}
