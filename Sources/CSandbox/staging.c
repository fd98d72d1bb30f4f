// The staging side of the mount setup: paths devbox chose (the host's tree
// under /oldroot, scratch space), nothing of the container's, which
// inroot.c resolves instead.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// mkdir -p for the staging side (the host's tree under /oldroot, scratch
// space): paths devbox chose, nothing of the container's. Optimistic: the
// full path first, parents only when missing.
int dbx_staging_mkdirs(const char *path, mode_t mode) {
    if (mkdir(path, mode) == 0 || errno == EEXIST) return 0;
    if (errno != ENOENT) return -errno;
    char buf[4096];
    size_t len = strlen(path);
    if (len >= sizeof buf) return -ENAMETOOLONG;
    memcpy(buf, path, len + 1);
    char *slash = strrchr(buf, '/');
    if (!slash || slash == buf) return -ENOENT;
    *slash = '\0';
    int rc = dbx_staging_mkdirs(buf, 0755);
    if (rc < 0) return rc;
    if (mkdir(path, mode) < 0 && errno != EEXIST) return -errno;
    return 0;
}

// A new directory with a directory's permission bits: mkdir, and chmod
// only where the umask (or mkdir's ignoring setgid) cut them. 0 when made;
// -1 when `like` is not a directory or `dir` could not be made (it exists,
// or its parent does not): the caller then takes the general way.
int dbx_staging_mkdir_like(const char *dir, const char *like) {
    static mode_t mask = (mode_t)-1;
    struct stat want;
    if (lstat(like, &want) < 0 || !S_ISDIR(want.st_mode)) return -1;
    mode_t mode = want.st_mode & 07777;
    if (mkdir(dir, mode) < 0) return -1;
    if (mask == (mode_t)-1) {
        mask = umask(0);
        umask(mask);
    }
    if ((mode & 01777 & ~mask) != mode) (void)!chmod(dir, mode);
    return 0;
}

// An overlay's upper directory takes its top lower's permission bits (an
// overlay's root shows the upper's). Neither is followed if it is a link;
// the owner is left as it is (devbox's user, who removes the layer later).
void dbx_staging_mode_like(const char *dir, const char *like) {
    struct stat want, have;
    int from = open(like, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (from >= 0 && fd >= 0 && fstat(from, &want) == 0 && S_ISDIR(want.st_mode) && fstat(fd, &have) == 0 &&
        (want.st_mode & 07777) != (have.st_mode & 07777))
        (void)!fchmod(fd, want.st_mode & 07777);
    if (from >= 0) close(from);
    if (fd >= 0) close(fd);
}

int dbx_staging_write(const char *dst, const char *data, mode_t mode) {
    char dir[4096];
    size_t len = strlen(dst);
    if (len >= sizeof dir) return -ENAMETOOLONG;
    memcpy(dir, dst, len + 1);
    char *slash = strrchr(dir, '/');
    if (slash && slash != dir) {
        *slash = '\0';
        int rc = dbx_staging_mkdirs(dir, 0755);
        if (rc < 0) return rc;
    }
    int fd = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode);
    if (fd < 0) return -errno;
    int rc = dbx_write_all(fd, data);
    close(fd);
    return rc;
}
