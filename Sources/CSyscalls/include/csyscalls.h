// Syscall wrappers the Swift side needs outside the sandbox's setup: the
// layer unpacker's path-safe file operations, writeback, and joining a user
// namespace. Nothing here runs after clone() in the container; that code is
// CSandbox's.
#ifndef CSYSCALLS_H
#define CSYSCALLS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

// Layer unpacking: paths are relative to the layer root fd and may not
// leave it or pass through a symlink. Return 0/fd or -errno.
int dbx_layer_open_dir(int root, const char *path);
int dbx_layer_whiteout(int root, const char *dir, const char *name);
int dbx_layer_opaque(int root, const char *dir);
int dbx_layer_chmod(int root, const char *path, unsigned int mode);
int dbx_start_writeback(int fd, long long offset, long long length);

// An fd and a one-byte tag over a unix socket (fdpass.c). send: 0 or -1
// (errno); recv: 1 with *fd (close-on-exec) and *tag, 0 at EOF, -1.
int dbx_send_fd_tagged(int sock, int fd, char tag);
int dbx_recv_fd_tagged(int sock, int *fd, char *tag);


// setns(2) into a user namespace (the caller must be single-threaded:
// dbx_single_threaded says whether it is).
int dbx_join_user_namespace(int fd);

// 1 when the calling process has one thread (clone/unshare/setns with
// CLONE_NEWUSER need that), 0 when it has more, -errno when unknown.
int dbx_single_threaded(void);
// The calling process's thread count, or -1 when unknown.
int dbx_thread_count(void);

// A non-blocking, close-on-exec signalfd for `signals` (which the caller
// blocks), or -errno; the next pending signal's number from it, 0 when
// none is pending, or -errno (signals.c).
int dbx_signal_fd(const int *signals, int count);
int dbx_signal_fd_next(int fd);

#endif
