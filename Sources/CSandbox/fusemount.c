// The container's side of a FUSE overlay mount (DBX_OP_FUSE). The kernel
// accepts a FUSE mount only with a /dev/fuse file opened in the mounting
// user namespace, so PID 1 opens it here, mounts it, and passes the fd to
// the daemon that serves it (started by the launcher in the host's mount
// namespace, where the layers are). PID 1 keeps no copy: when the daemon
// dies the connection aborts (ENOTCONN) instead of hanging the container.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <unistd.h>

void dbx_mount_fuse(const struct dbx_config *c, const struct dbx_op *op, int target) {
    if (c->fuse_socket_fd < 0) dbx_die("no FUSE daemon for the mount on", op->dst, EINVAL);
    int dev = open(op->src ? op->src : "/oldroot/dev/fuse", O_RDWR | O_CLOEXEC);
    if (dev < 0)
        dbx_die("cannot open /dev/fuse for the FUSE storage driver (as root: chmod 666 /dev/fuse, Debian's usual mode; "
                "or use --storage-driver overlay|copy) on", op->dst, errno);
    // allow_other: the container's users are not the mounter; the kernel
    // checks permissions against the owners the daemon reports
    // (default_permissions), as it would on a disk filesystem.
    char data[160];
    snprintf(data, sizeof data, "fd=%d,rootmode=40000,user_id=%u,group_id=%u,allow_other,default_permissions",
             dev, (unsigned)getuid(), (unsigned)getgid());
    char path[64];
    if (!dbx_magic_path(target, path, sizeof path)) dbx_die("no /proc to name the FUSE mount point", op->dst, ENOENT);
    if (mount("devbox", path, "fuse.devbox", 0, data) < 0) {
        int err = errno;
        close(dev);
        dbx_die("cannot mount the FUSE overlay on", op->dst, err);
    }
    if (dbx_send_fd_tagged(c->fuse_socket_fd, dev, (char)op->mode) < 0) {
        int err = errno;
        close(dev);
        // EPIPE: the devbox-fuse process died before (it could not join the
        // store's user namespace, or exec'd nothing); --log-level debug shows why.
        dbx_die("the FUSE overlay's process is gone (run with --log-level debug to see why); cannot serve", op->dst, err);
    }
    close(dev);
}
