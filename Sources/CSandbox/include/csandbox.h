// The execution half of devbox's sandbox. Swift plans everything (which
// namespaces, which mounts in which order, which ids, which capabilities) and
// hands this code a flat, fully resolved description; C only executes it,
// because the steps after clone() must run in a single-threaded process and
// must not depend on the Swift runtime.
#ifndef CSANDBOX_H
#define CSANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../../CSyscalls/include/csyscalls.h"

// One step of the mount setup, executed in order by one loop (bubblewrap's
// model). Paths are absolute and already resolved against the staging area:
// host paths start with /oldroot, container paths with /newroot. A
// destination below /newroot is resolved inside the container's root
// (symlinks and ".." in it cannot leave the root); sources are host or
// staging paths, resolved as usual.
enum dbx_op_kind {
    DBX_OP_MKDIR = 1,     // mkdir -p dst (mode)
    DBX_OP_TMPFS,         // tmpfs on dst, data = mount options
    DBX_OP_BIND,          // recursive bind src on dst; mountpoint made to match src
    DBX_OP_OVERLAY,       // overlay on dst, data = full option string
    DBX_OP_PROC,          // new proc instance on dst
    DBX_OP_DEVPTS,        // new devpts instance on dst, data = options
    DBX_OP_SYMLINK,       // symlink src (target) at dst, unless dst exists
    DBX_OP_WRITE_FILE,    // create dst with contents data (mode)
    DBX_OP_READONLY,      // make dst and everything below it read-only
    DBX_OP_MQUEUE,        // new mqueue instance on dst
    DBX_OP_MASK,          // hide dst: /dev/null over a file, an empty read-only tmpfs over a directory
    DBX_OP_READONLY_PATH, // make dst (a path inside a mount, e.g. /proc/sys) a read-only mount of its own
    DBX_OP_FUSE,          // FUSE overlay on dst: /dev/fuse (src) opened and mounted here, its fd sent to the
                          // daemon over dbx_config.fuse_socket_fd tagged with `mode` (the mount's index)
    DBX_OP_SYSFS,         // new sysfs instance on dst (the container's network namespace's devices), the
                          // host's /sys/fs/cgroup bound below it; where the kernel refuses, the host's /sys bound
    DBX_OP_DIRECTORY,     // an empty directory dst in the root, exactly `mode`, owner data = "UID:GID" (or NULL)
};

#define DBX_OP_FLAG_READONLY 0x1   // for BIND/TMPFS: read-only after mounting
#define DBX_OP_FLAG_OPTIONAL 0x2   // a missing source is skipped, not an error
#define DBX_OP_FLAG_SINGLE   0x4   // READONLY: this mount only, not the ones below it
#define DBX_OP_FLAG_NO_SYMLINKS 0x8 // the destination may not pass through a symlink (/proc, /sys)
#define DBX_OP_FLAG_NOSUID   0x10  // for BIND/TMPFS: the mount options of the same names
#define DBX_OP_FLAG_NODEV    0x20
#define DBX_OP_FLAG_NOEXEC   0x40

struct dbx_rlimit {
    int resource;
    uint64_t soft;
    uint64_t hard;
};

struct dbx_op {
    int kind;
    int flags;
    unsigned int mode;
    const char *src;
    const char *dst;
    const char *data;
};

struct dbx_config {
    // clone(2) namespace flags (CLONE_NEWUSER | CLONE_NEWNS | ...).
    int clone_flags;

    // Id maps. Either written directly by the parent (map text as the kernel
    // wants it), or by the setuid helpers given as argv (the child's pid is
    // inserted as argv[1]).
    const char *uid_map;
    const char *gid_map;
    const char *const *newuidmap_argv;   // NULL: write uid_map directly
    const char *const *newgidmap_argv;
    int deny_setgroups;                  // required for direct unprivileged gid maps
    int userns_fd;                       // >= 0: join this user namespace instead (no maps)
    // With userns_fd: still create this run's own user namespace, a child
    // of the joined one mapped by uid_map/gid_map (written by the parent,
    // which is privileged in the joined one). Per-run settings of the
    // namespace (max_user_namespaces) then stay with the run.
    int nest_userns;

    const char *hostname;                // NULL: keep
    int loopback_up;                     // bring up lo in a new network namespace

    // Staging directory on the host that gets a private tmpfs (bubblewrap uses /tmp).
    const char *staging;
    const struct dbx_op *ops;
    size_t nops;

    // The command.
    const char *const *argv;
    const char *const *envp;
    const char *search_path;             // PATH used to resolve argv[0]
    const char *cwd;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    size_t ngroups;
    uint64_t capabilities;               // bounding = permitted = effective = inheritable
    const struct dbx_rlimit *rlimits;
    size_t nrlimits;
    int no_new_privs;
    const void *seccomp_bpf;             // compiled filter (struct sock_filter[]), loaded last before exec
    size_t seccomp_len;                  // in bytes

    // Start the command's process before the mounts, so that its identity,
    // capabilities and seccomp filter are set while PID 1 mounts; it waits
    // for the mounts, then enters its directory and execs. Only when nothing
    // it does after the filter (read, close, chdir, exec) can be denied.
    int prepare_early;

    // fds 3 .. 3+preserve_fds-1 pass into the command (podman's and crun's
    // --preserve-fds); every other fd above 2 is closed before exec.
    int preserve_fds;

    // A supervisor's hooks (-1/NULL: none). PID 1 writes 'm' to ready_fd
    // once the container's mounts are done; the command's process holds it
    // until its exec closes it, or writes 'x' when it fails before. So a
    // reader sees "m" then EOF for a started command, anything else for a
    // failed start. on_started is called in the parent with PID 1's pid
    // once it has its id maps.
    int ready_fd;
    // FUSE overlay mounts (DBX_OP_FUSE): a socket to the daemon that serves
    // them; PID 1 sends each mounted /dev/fuse fd over it, then closes it.
    // -1: none.
    int fuse_socket_fd;
    void (*on_started)(void *context, pid_t pid1);
    void *started_context;

    int tty;                             // allocate a pty inside the container
    int forward_stdin;                   // with tty: copy our stdin to the pty
    int debug;                           // trace each step on stderr

    // Added for `devbox oci` (runtime-spec process fields). A config that
    // leaves them zeroed behaves as before: `capabilities` in every set,
    // umask and oom_score_adj inherited, no namespace joined.
    int capability_sets;                 // 1: capabilities is the bounding set and these four apply
    uint64_t cap_effective;
    uint64_t cap_permitted;
    uint64_t cap_inheritable;
    uint64_t cap_ambient;                // raised with PR_CAP_AMBIENT_RAISE after the other sets
    int set_umask;                       // 1: umask(umask) in the command's process
    unsigned int umask;
    int set_oom_score_adj;               // 1: PID 1 writes /proc/self/oom_score_adj (inherited)
    int oom_score_adj;
    // Existing namespaces to join (linux.namespaces[].path), not the user
    // namespace (that is userns_fd): a pid namespace is joined by the
    // parent before clone(), every other one by PID 1 before the mounts.
    const int *join_fds;
    const int *join_types;               // CLONE_NEW* of each fd
    size_t njoin;
    // OCI create/start: the command waits for one byte on start_fd (a fifo
    // opened read-write) before exec; PID 1 does not keep it open.
    int wait_for_start;
    int start_fd;
    // With tty: the pty master goes to this socket (SCM_RIGHTS, the OCI
    // console socket) instead of being proxied to our stdio.
    int send_console;
    int console_socket_fd;
    // 1: PID 1 reports the command's exit status over a pipe the moment the
    // command ends, and dbx_run returns it then instead of waiting for PID
    // 1 itself (bubblewrap's monitor does the same). PID 1's exit tears the
    // mount namespace down, and the kernel frees each overlay superblock
    // after an RCU grace period of its own: 0.05 to 3 ms each, ten of them
    // for the host image. The container's other processes die with PID 1
    // as before, a moment later. Only for a caller that touches nothing of
    // the container afterwards (no layer or volume to remove).
    int return_before_teardown;
    // With tty and no terminal of our own (a detached container's
    // supervisor): the window size comes from this file ("ROWS COLS"),
    // written by `devbox attach`, which then sends us SIGWINCH. NULL: our
    // own stdin's or stdout's terminal.
    const char *winsize_path;
};


// Runs the sandbox to completion. Returns the exit status devbox should exit
// with (the command's, 128+N for a signal, 125 for a setup failure inside the
// sandbox), or -1 when the sandbox could not be started; then errbuf holds a
// one-line reason.
int dbx_run(const struct dbx_config *config, char *errbuf, size_t errlen);

// `devbox exec`: joins the namespaces in join_flags (CLONE_NEW*) of `pid`,
// checked to be the process that started at start_time (field 22 of
// /proc/PID/stat), then runs `process` there as a run's command is run
// (identity, capabilities, rlimits, no_new_privs, seccomp, cwd, tty).
// Returns the command's exit status (or, detached, 0 once it started);
// -1 with errbuf set when it could not be started, -2 when the container
// is not running any more. The caller must be single-threaded.
struct dbx_exec_config {
    pid_t pid;
    unsigned long long start_time;
    int join_flags;
    int detach;
    // `-u NAME[:GROUP]`: looked up in the container's /etc/passwd and
    // /etc/group once inside (NULL: process->uid/gid as they are); with
    // set_home, HOME becomes the user's home directory.
    const char *user;
    const char *group;
    int set_home;
    const struct dbx_config *process;
};
int dbx_exec(const struct dbx_exec_config *config, char *errbuf, size_t errlen);
int dbx_clone_newcgroup(void);

// The step after which the masked and read-only paths may be laid by the
// command's process while PID 1 mounts the rest: every step that touches
// their paths comes before them. -1 when none do or a later one does.
ssize_t dbx_policy_start(const struct dbx_config *config);

// The top-level subtrees (overlays, /dev) the command's process builds while
// PID 1 mounts the rest (offload.c), given dbx_policy_start's answer (the
// masks it lays too): marks (nops bytes) set to 1 for its steps; PID 1 lets
// it start after step *start_after and waits for it before step
// *wait_before (nops: before pivot_root). Returns the number of subtrees,
// 0 for none.
size_t dbx_offload_plan(const struct dbx_config *config, ssize_t policy_after, unsigned char *marks, size_t *start_after,
                        size_t *wait_before);

// Starts the idle process that keeps a user namespace, mapped with the
// helpers, alive for later runs. Returns its pid, or -1 with errbuf set.
// It offers a spare network namespace on the socket PREFIX.PID.sock
// (netspare.c) when socket_prefix is given.
pid_t dbx_spawn_userns_holder(const char *const *newuidmap_argv, const char *const *newgidmap_argv,
                              int idle_seconds, const char *socket_prefix, char *errbuf, size_t errlen);

// The holder's life after its re-exec as `devbox-userns IDLE_SECONDS [PREFIX]`.
void dbx_holder_idle(int idle_seconds, const char *socket_prefix) __attribute__((noreturn));

// A network namespace, lo up, made ahead by holder `holder` (socket
// PREFIX.HOLDER.sock), owned by the user namespace userns_fd names; -1 when
// none is to be had (no holder socket, a busy holder, anything else).
int dbx_netspare_take(const char *socket_prefix, pid_t holder, int userns_fd);

// Small wrappers for Swift, which cannot call variadic or macro-only APIs.
int dbx_unshare(int flags);
// Mounts an overlay (mount data `options`) in a child with new user and mount
// namespaces, over a tmpfs mounted on `scratch` first when `tmpfs` is set,
// and does what rm -rf, mkdir and mv do to lower directories. 0: all worked;
// 1: no namespace to try in; 2: mount refused; 3: an operation failed;
// 4: operations worked but files and directories differ in st_dev.
int dbx_probe_overlay(const char *scratch, int tmpfs, const char *lower, const char *upper, const char *work,
                      const char *merged, const char *options, char *errbuf, size_t errlen);
// What the storage probe found (storage_probe.c). Each *_errno is 0 when
// that check passed or was not reached, else the errno (EPROTO: the
// operation succeeded but the result was wrong).
struct dbx_storage_report {
    int works;                  // overlay in a user namespace does all of it
    int userns_errno;
    int setup_errno;
    int mount_errno;            // with userxattr
    int mount_plain_errno;      // without it (only tried when the first failed)
    int userxattr;              // 1: mounted with userxattr
    int mounted;
    int merge_errno;
    int whiteout_errno;
    int opaque_errno;
    int delete_errno;
    int delete_whiteout;        // a delete left a 0/0 character device in the upper
    int rename_whiteout_errno;  // renameat2(RENAME_WHITEOUT) on the store's filesystem
    int dtype;                  // d_type readdir gives a file (0: DT_UNKNOWN, -1: not read)
};
// Runs the probe in `base` (an empty directory on the store's filesystem)
// in a child; 0 or -errno when the child could not be run.
int dbx_probe_storage(const char *base, struct dbx_storage_report *report);
// statfs(2)'s f_type of `path`, or -errno (Swift's Glibc module lacks sys/statfs.h).
long long dbx_statfs_type(const char *path);
int dbx_seccomp_mode(void);
int dbx_clone_newuser(void);
int dbx_clone_newns(void);
int dbx_clone_newpid(void);
int dbx_clone_newuts(void);
int dbx_clone_newipc(void);
int dbx_clone_newnet(void);

// `devbox oci` (oci.c). fork(2); a hook run with `input` on its stdin,
// killed after timeout_seconds (0: none), returning its exit status (128+N
// for a signal) or -1 with err set; waiting for a child while passing on
// the signals sent to us; a connected unix socket fd or -errno; kill(2).
pid_t dbx_fork(void);
int dbx_run_hook(const char *path, const char *const *argv, const char *const *envp, const char *input,
                 int timeout_seconds, char *err, size_t errlen);
int dbx_wait_forwarding(pid_t child);
int dbx_connect_unix(const char *path);
int dbx_kill(pid_t pid, int sig);
// Closes every fd above 2 but those in keep.
void dbx_close_fds_except(const int *keep, size_t n);

#endif
