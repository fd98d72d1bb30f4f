// Shared between the parent (launch.c), the container's PID 1 (setup.c,
// init.c) and the terminal proxy (tty.c). Not part of the Swift interface.
#ifndef CSANDBOX_INTERNAL_H
#define CSANDBOX_INTERNAL_H

#define _GNU_SOURCE
#include "csandbox.h"
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif

// Exit status for a failure inside the sandbox before the command runs
// (podman and docker use 125 for the same).
#define DBX_EXIT_SETUP 125

// Signals devbox passes on to the command. SIGCHLD is handled, not forwarded.
void dbx_forwarded_signals(sigset_t *set);

// In the command's process: where dbx_die reports a failure before exec
// (dbx_config.ready_fd), or -1.
extern int dbx_failure_fd;

// Printing from the child: stderr only, async-signal-safe (no stdio).
void dbx_die(const char *what, const char *path, int err) __attribute__((noreturn));
// Read-only by mount_setattr, or by remounts where the kernel lacks it.
int dbx_make_readonly(const char *path, int recursive);
void dbx_trace(const struct dbx_config *c, const char *what, const char *path);
// All of data to fd: 0 or -errno.
int dbx_write_all(int fd, const char *data);

// Paths inside the container's root (inroot.c). dbx_in_root says whether a
// setup path lies below /newroot and gives it relative to the root; the
// others resolve such a relative path inside the root (symlinks and ".."
// cannot leave it) and return an fd or -errno. mkdirs and mkfile create
// what is missing and return an O_PATH fd.
int dbx_in_root(const char *path, const char **rel);
void dbx_root_changed(void);
int dbx_root_open(const char *rel, int flags, int no_symlinks);
int dbx_root_mkdirs(const char *rel, mode_t mode);
int dbx_root_mkfile(const char *rel);
int dbx_root_symlink(const char *target, const char *rel);
int dbx_root_write(const char *rel, const char *data, mode_t mode);
// The same resolution walked component by component where openat2 is
// refused (inroot_walk.c).
int dbx_root_walk(int root, const char *rel, int flags, int no_symlinks);

// Mounts as fds (mountfd.c): 0/fd or -errno.
#define DBX_MOUNT_RDONLY 0x01u
#define DBX_MOUNT_NOSUID 0x02u
#define DBX_MOUNT_NODEV 0x04u
#define DBX_MOUNT_NOEXEC 0x08u
int dbx_fs_mount(const char *type, const char *data, unsigned int attrs);
int dbx_clone_tree(int dirfd, const char *path, int recursive);
int dbx_attach(int mnt, int target);
int dbx_setattr_fd(int fd, unsigned int attrs, int recursive);
int dbx_fd_path(int fd, char *buf, size_t len);
int dbx_mount_overlay(int target, const char *data);
// Where the new mount API is refused (valgrind, an older runtime's filter).
int dbx_new_api_refused(int rc);
int dbx_mount_legacy(const char *type, int target, const char *data, unsigned int attrs);
int dbx_bind_legacy(int dirfd, const char *src, int target, int recursive);
// The magic link naming fd (/proc/self/fd/N of the host's /proc, under
// /oldroot), and whether it can be used: mount(2) onto it is one call where
// the new API takes four or five, the same target either way.
int dbx_magic_path(int fd, char *buf, size_t len);

// PID 1 of the container: mounts, pivot_root, then runs the command and reaps.
// exit_fd (or -1): where the init loop writes the command's exit status
// (see dbx_config.return_before_teardown). defer_net: the clone made no
// network namespace; the early command process makes it and PID 1 joins.
void dbx_container_main(const struct dbx_config *c, int sync_fd, int console_fd, int exit_fd, int defer_net)
    __attribute__((noreturn));
// lo up in the caller's network namespace (a new one has it down).
void dbx_loopback_up(void);  // netdefer.c

// netspare.c: the holder's spare network namespace and its socket.
enum { DBX_NETSPARES = 2 };
struct dbx_netspare {
    int listener, served, refill_pending;
    int spares[DBX_NETSPARES], nspares;
    int maker, asked;  // the socket to the maker, and whether one is being made
    pid_t maker_pid;
    struct timespec handed;  // when the last spare went, if refill_pending
    char path[108];
};
void dbx_netspare_open(struct dbx_netspare *s, const char *prefix);
void dbx_netspare_wait(struct dbx_netspare *s, int seconds);  // serving meanwhile
void dbx_netspare_close(struct dbx_netspare *s);
// Another of the container's processes (the command's, still privileged)
// doing part of the setup while PID 1 mounts the rest (offload.c): first
// whole top-level subtrees, once PID 1 writes 'o' to start_fd after step
// offload_after; then the masked and read-only paths, once it writes 'p'
// after step `after`. It reports each on done_fd.
struct dbx_setup_helper {
    ssize_t after;          // -1: no policy steps for it (PID 1 lays them)
    int start_fd, done_fd;
    pid_t pid;
    // The subtrees' steps (nops marks), how many subtrees, after which step
    // it starts them and before which PID 1 waits for them.
    unsigned char *offload;
    size_t offloaded, offload_after, offload_wait;
};
int dbx_paths_overlap(const char *a, const char *b);
int dbx_is_policy_op(const struct dbx_op *op);
void dbx_run_offloaded(const struct dbx_config *c, const struct dbx_setup_helper *helper);
int dbx_setup_mounts(const struct dbx_config *c, const struct dbx_setup_helper *helper);
// Staging paths (staging.c): mkdir -p; an overlay upper given its top
// lower's permission bits; a generated file written.
int dbx_staging_mkdirs(const char *path, mode_t mode);
void dbx_staging_mode_like(const char *dir, const char *like);
int dbx_staging_mkdir_like(const char *dir, const char *like);
int dbx_staging_write(const char *dst, const char *data, mode_t mode);
void dbx_apply_policy(const struct dbx_config *c);
void dbx_init_loop(const struct dbx_config *c, pid_t command, const sigset_t *oldmask, int exit_fd)
    __attribute__((noreturn));
void dbx_exec_command(const struct dbx_config *c, const char *pty_slave, const sigset_t *oldmask)
    __attribute__((noreturn));
// The same, started before the mounts: the policy steps when policy_fd
// (or -1) says so, reporting on policy_done_fd; everything up to the
// filter; then a wait on `ready_fd` until PID 1 has mounted the container,
// then exec. With net_socket (else -1), first a new network namespace
// with lo up, its fd (named under proc_fd, the host's /proc) sent there
// for PID 1 to join.
void dbx_exec_command_early(const struct dbx_config *c, const struct dbx_setup_helper *helper, int ready_fd, int policy_fd,
                            int policy_done_fd, int net_socket,
                            int proc_fd, const sigset_t *oldmask)
    __attribute__((noreturn));

// The command's side, shared by a run's command and `devbox exec`: identity,
// capabilities, rlimits and no_new_privs; the seccomp filter (last, so it
// need not allow devbox's own calls); fds above the preserved ones closed
// at exec; signal dispositions back to default; PATH search and exec.
void dbx_set_identity(const struct dbx_config *c);
void dbx_load_filter(const struct dbx_config *c);
void dbx_close_on_exec_above(const struct dbx_config *c);
void dbx_reset_signals(void);
void dbx_exec_in_path(const struct dbx_config *c) __attribute__((noreturn));
// With no command (argv empty): a tiny waiting program (anchor.c).
void dbx_exec_anchor(const struct dbx_config *c) __attribute__((noreturn));

// PID 1 joins the namespaces of linux.namespaces[].path (launch.c).
void dbx_join_namespaces(const struct dbx_config *c);
// The command's process waits for the OCI `start` (wait_for_start).
void dbx_wait_for_start(const struct dbx_config *c);

// newuidmap/newgidmap: argv without the pid, which is inserted as argv[1].
pid_t dbx_spawn_map_helper(const char *const *argv, pid_t target, char *err, size_t errlen);
int dbx_wait_map_helper(pid_t helper, const char *name, char *err, size_t errlen);

// Terminal side: pty inside the container, proxy in the parent.
int dbx_open_pty(char *slave_path, size_t len);
int dbx_send_fd(int sock, int fd);
void dbx_mount_fuse(const struct dbx_config *c, const struct dbx_op *op, int target);
int dbx_recv_fd(int sock);
// The network namespace the command's process makes (netdefer.c): PID 1
// hands over the socket it arrives on, and joins it where a step needs it
// (sysfs) or once the mounts are done; a no-op when none is pending.
void dbx_defer_network(int socket);
void dbx_join_deferred_network(void);
// exit_fd (or -1): PID 1's report of the command's exit status; once it
// is read, PID 1 is not waited for.
int dbx_supervise(const struct dbx_config *c, pid_t child, int master, int sigfd, int exit_fd);

#endif
