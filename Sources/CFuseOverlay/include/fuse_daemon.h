#ifndef DBX_FUSE_DAEMON_H
#define DBX_FUSE_DAEMON_H

#include "cfuseoverlay.h"

// Starts the process that serves a container's FUSE overlay mounts
// (CSandbox's DBX_OP_FUSE): it waits on a socket for each mounted
// /dev/fuse fd, tagged with its index in `configs`, and serves each on
// threads of its own until the mount goes away (the container's mount
// namespace dies with its last process), then exits. Double-forked, so the
// caller reaps nothing.
//
// `userns_fd`: the user namespace the daemon works in (the image store's,
// whose ids the layers were unpacked with); -1: stay in the caller's (root
// on the host); -2: a namespace of its own mapping only the caller's ids
// (rootless without subordinate ids). The caller must be single-threaded.
// Mounts whose config says in_memory get their upper and work directories
// in a tmpfs the daemon makes in a mount namespace of its own, never
// attached anywhere: the layer lives exactly as long as the daemon.
// Returns the container's end of the socket (for dbx_config.fuse_socket_fd,
// close-on-exec), or -errno.
int dbx_fuse_daemon_start(const struct dbx_fuse_overlay_config *configs, int count, int userns_fd, int keep_stderr);

#endif
