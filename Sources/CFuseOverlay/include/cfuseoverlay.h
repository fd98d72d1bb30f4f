#ifndef CFUSEOVERLAY_H
#define CFUSEOVERLAY_H

// An overlay filesystem served over FUSE, with the on-disk format of the
// kernel's overlayfs mounted with `userxattr`: an upper written here mounts
// under kernel overlay and the reverse, and image layers are used as they are.

#ifdef __cplusplus
extern "C" {
#endif

struct dbx_fuse_overlay_config {
    // Read-only layer directories, top-most first (overlayfs lowerdir order).
    // May be empty (nlowers == 0). Opened once at start; the paths themselves
    // are trusted, nothing below them is (no symlink in a layer is followed).
    const char *const *lowers;
    int nlowers;
    // Writable layer directory (required).
    const char *upper;
    // Scratch directory on the same filesystem as upper (required). Copy-ups
    // and replacements are built in its subdirectory "dbxfuse" and renamed
    // into place; that subdirectory is emptied at start. May be the workdir a
    // kernel overlay mount of the same upper uses (its "work" subdirectory is
    // the kernel's and is not touched).
    const char *work;
    // 1: owners this process sees as the overflow ids (65534, unmapped in its
    // user namespace) are shown as 0/0, and a copy-up of such a file stores
    // the caller's ids instead.
    int squash_to_root;
    // Worker threads. 0 or 1: one thread (fuse_session_loop), the fastest on
    // a 2-core VM for serial workloads (untar: ~1.7x faster than the
    // multi-threaded loop); n > 1: fuse_session_loop_mt with at most n.
    int threads;
    // 1: libfuse's request log plus this driver's errors on stderr.
    int debug;
    // 1: a throwaway layer in memory (`--rm`): upper and work are NULL, and
    // dbx_fuse_daemon_start's process makes them in a tmpfs of its own,
    // which goes with it (fuse_daemon.h).
    int in_memory;
};

// Serves an already-mounted FUSE connection. `fuse_fd` is an open /dev/fuse
// that this or another process mounted with mount(2), options
// "fd=N,rootmode=40000,user_id=U,group_id=G,allow_other,default_permissions".
// The fd is consumed: it is closed before this returns, on every path.
// Blocks until the filesystem is unmounted or the connection aborted (the
// superblock going away - umount, or the death of the last mount namespace
// holding the mount - aborts it), then returns 0; -errno on setup failure.
// The calling process must see /proc (files are reopened through
// /proc/self/fd) and must not itself be the only member of the mount
// namespace holding the mount, or that namespace never dies.
int dbx_fuse_overlay_serve(int fuse_fd, const struct dbx_fuse_overlay_config *config);

#ifdef __cplusplus
}
#endif

#endif
