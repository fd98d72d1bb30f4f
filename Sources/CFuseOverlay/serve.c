// Session setup: opens the layers, negotiates the connection, runs the loop.
#include "ovl.h"
#include "cfuseoverlay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

void ovl_op_init(void *userdata, struct fuse_conn_info *conn) {
    (void)userdata;
    // This daemon is the only writer of the upper while mounted, so the
    // kernel may cache pages, attributes and listings. Not the writeback
    // cache: with it every close(2) marks the file's block count stale
    // (Linux's fuse_flush), and the fstat a compiler makes after each open
    // cost a GETATTR round trip, 3700 of them in a 41-file make; written
    // through, a make -j2 ran in 0.7x the time and an untar in the same.
    conn->want &= ~FUSE_CAP_WRITEBACK_CACHE;
    unsigned want = FUSE_CAP_SPLICE_WRITE | FUSE_CAP_SPLICE_MOVE | FUSE_CAP_READDIRPLUS | FUSE_CAP_READDIRPLUS_AUTO |
                    FUSE_CAP_PARALLEL_DIROPS | FUSE_CAP_ASYNC_READ | FUSE_CAP_ASYNC_DIO | FUSE_CAP_CACHE_SYMLINKS;
    conn->want |= want & conn->capable;
    // libfuse asks for atomic O_TRUNC by default: the truncation would then
    // be OPEN's to do, and this driver answers no OPEN (iofd.c). Without it
    // the kernel truncates with a setattr.
    conn->want &= ~FUSE_CAP_ATOMIC_O_TRUNC;
    // Pages are only stale if someone else wrote the file: nobody does.
    conn->want &= ~FUSE_CAP_AUTO_INVAL_DATA;
    // The kernel clears set-id bits on write/chown itself (a setattr to us):
    // writes here run with the daemon's CAP_FSETID and would keep them.
    conn->want &= ~FUSE_CAP_HANDLE_KILLPRIV;
    // Bigger requests, fewer round trips (libfuse caps this at its buffer).
    conn->max_write = 1 << 20;
    conn->max_background = 64;
    conn->congestion_threshold = 48;
    conn->time_gran = 1;
}

// The single-threaded loop, reading /dev/fuse without blocking for a
// moment after each request before it sleeps in poll(): requests come in
// bursts (an untar is ~11 per file), and a daemon that went to sleep
// between two of them must be woken, which on a VM is a cross-CPU
// interrupt to a halted vCPU and cost more than the request itself.
static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

// How long to keep reading after a request: 50 us (an untar ran 0.66x
// the time it took with a blocking read, Tests/fuse/bench.sh), none on one
// CPU (the spinning daemon would hold the CPU the next request needs);
// DEVBOX_FUSE_SPIN_US overrides (0: always block).
static long spin_time_ns(void) {
    const char *given = getenv("DEVBOX_FUSE_SPIN_US");
    if (given && *given) {
        char *end;
        long us = strtol(given, &end, 10);
        return *end == 0 && us >= 0 && us <= 100000 ? us * 1000L : 0;
    }
    cpu_set_t cpus;
    if (sched_getaffinity(0, sizeof cpus, &cpus) == 0 && CPU_COUNT(&cpus) < 2)
        return 0;
    return 50 * 1000L;
}

// The kernel's request header (fuse_kernel.h, which libfuse does not
// install): the opcode follows the length.
struct kernel_in_header {
    uint32_t len;
    uint32_t opcode;
};
enum { KERNEL_FUSE_CREATE = 35, KERNEL_FUSE_TMPFILE = 51 };

// O_TMPFILE (Linux 6.1+) sends FUSE_TMPFILE, which libfuse 3.14 answers
// ENOSYS (and the kernel then EOPNOTSUPP for good). Its request and reply
// are FUSE_CREATE's, with the name "/" that no directory entry can have:
// handed on as a create, ovl_op_create makes the nameless file. (The
// multi-threaded loop reads requests itself: there O_TMPFILE stays refused.)
static void as_create_if_tmpfile(struct fuse_buf *buf) {
    if ((buf->flags & FUSE_BUF_IS_FD) || buf->size < sizeof(struct kernel_in_header))
        return;
    struct kernel_in_header *in = buf->mem;
    if (in->opcode == KERNEL_FUSE_TMPFILE)
        in->opcode = KERNEL_FUSE_CREATE;
}

static int serve_single(struct fuse_session *se, long spin_ns) {
    int fd = fuse_session_fd(se);
    if (spin_ns > 0) {
        int flags = fcntl(fd, F_GETFL);
        if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0)
            spin_ns = 0;
    }
    struct fuse_buf buf = {.mem = NULL};
    long long until = 0, done = 0;
    // Spinning pays only while requests come in bursts (an untar, a walk);
    // between a compiler's sparse requests it would take the CPU the
    // compiler needs (make -j2 on two CPUs). After a sleep, the gap that
    // ended it says which: a short one turns spinning (back) on.
    bool slept = false, bursty = true;
    int rc = 0;
    while (!fuse_session_exited(se)) {
        rc = fuse_session_receive_buf(se, &buf);
        if (rc == -EAGAIN) {
            if (now_ns() < until)
                continue;
            struct pollfd waiting = {.fd = fd, .events = POLLIN};
            if (poll(&waiting, 1, -1) < 0 && errno != EINTR) {
                rc = -errno;
                break;
            }
            slept = true;
            continue;
        }
        if (rc == -EINTR)
            continue;
        if (rc <= 0)
            break;
        if (slept) {
            bursty = now_ns() - done < 4 * spin_ns;
            slept = false;
        }
        as_create_if_tmpfile(&buf);
        fuse_session_process_buf(se, &buf);
        done = now_ns();
        until = spin_ns > 0 && bursty ? done + spin_ns : 0;
    }
    free(buf.mem);
    fuse_session_reset(se);
    return rc < 0 ? rc : 0;
}

static const struct fuse_lowlevel_ops ops = {
    .init = ovl_op_init,
    .lookup = ovl_op_lookup,
    .forget = ovl_op_forget,
    .forget_multi = ovl_op_forget_multi,
    .getattr = ovl_op_getattr,
    .setattr = ovl_op_setattr,
    .readlink = ovl_op_readlink,
    .mknod = ovl_op_mknod,
    .mkdir = ovl_op_mkdir,
    .unlink = ovl_op_unlink,
    .rmdir = ovl_op_rmdir,
    .symlink = ovl_op_symlink,
    .rename = ovl_op_rename,
    .link = ovl_op_link,
    .open = ovl_op_open,
    .read = ovl_op_read,
    .write_buf = ovl_op_write_buf,
    .release = ovl_op_release,
    .fsync = ovl_op_fsync,
    .opendir = ovl_op_opendir,
    .readdir = ovl_op_readdir,
    .readdirplus = ovl_op_readdirplus,
    .releasedir = ovl_op_releasedir,
    .fsyncdir = ovl_op_fsyncdir,
    .statfs = ovl_op_statfs,
    .setxattr = ovl_op_setxattr,
    .getxattr = ovl_op_getxattr,
    .listxattr = ovl_op_listxattr,
    .removexattr = ovl_op_removexattr,
    .access = ovl_op_access,
    .create = ovl_op_create,
    .fallocate = ovl_op_fallocate,
    .lseek = ovl_op_lseek,
    .copy_file_range = ovl_op_copy_file_range,
};

static unsigned read_id(const char *path) {
    FILE *f = fopen(path, "re");
    unsigned v = 65534;
    if (f) {
        if (fscanf(f, "%u", &v) != 1)
            v = 65534;
        fclose(f);
    }
    return v;
}

static int open_root(const char *path) {
    int fd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? -errno : fd;
}

// The work subdirectory holds only our temporaries: what a crash left there
// is garbage.
static int open_work(const char *work) {
    int w = open(work, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (w < 0)
        return -errno;
    int rc = ovl_rm_tree(w, OVL_WORK_SUBDIR);
    if (rc == 0 && mkdirat(w, OVL_WORK_SUBDIR, 0700) < 0 && errno != EEXIST)
        rc = -errno;
    int fd = rc == 0 ? openat(w, OVL_WORK_SUBDIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC) : -1;
    if (rc == 0 && fd < 0)
        rc = -errno;
    close(w);
    return rc < 0 ? rc : fd;
}

// Reading /dev/fuse before mount(2) has attached it fails with EPERM, which
// would end the loop: wait (up to 30 s) for the mount, which queues INIT.
static int wait_mounted(int fd) {
    for (int i = 0; i < 3000; i++) {
        struct pollfd p = {fd, POLLIN, 0};
        int n = poll(&p, 1, 10);
        if (n < 0 && errno != EINTR)
            return -errno;
        if (n > 0 && (p.revents & POLLIN))
            return 0;
        if (n > 0 && (p.revents & POLLERR))
            usleep(10000);
    }
    return -ETIMEDOUT;
}

static void fs_free(struct ovl_fs *fs) {
    ovl_table_free(fs);
    if (fs->root) {
        free(fs->root->dirs);
        free(fs->root->name);
        free(fs->root);
    }
    for (int i = 0; fs->root_fds && i < fs->nlayers; i++)
        if (fs->root_fds[i] >= 0)
            close(fs->root_fds[i]);
    free(fs->root_fds);
    if (fs->work_fd >= 0)
        close(fs->work_fd);
    free(fs);
}

static int fs_setup(struct ovl_fs *fs, const struct dbx_fuse_overlay_config *c) {
    if (!c->upper || !c->work || c->nlowers < 0 || c->nlowers + 1 > OVL_MAX_LAYERS || (c->nlowers && !c->lowers))
        return -EINVAL;
    fs->nlayers = c->nlowers + 1;
    fs->squash = c->squash_to_root;
    fs->debug = c->debug;
    fs->timeout = 5.0;
    fs->overflow_uid = read_id("/proc/sys/kernel/overflowuid");
    fs->overflow_gid = read_id("/proc/sys/kernel/overflowgid");
    ovl_table_init(fs);
    fs->root_fds = malloc((size_t)fs->nlayers * sizeof(int));
    fs->root = calloc(1, sizeof *fs->root);
    if (!fs->htab || !fs->root_fds || !fs->root)
        return -ENOMEM;
    for (int i = 0; i < fs->nlayers; i++)
        fs->root_fds[i] = -1;
    for (int i = 0; i < fs->nlayers; i++) {
        int fd = open_root(i == 0 ? c->upper : c->lowers[i - 1]);
        if (fd < 0)
            return fd;
        fs->root_fds[i] = fd;
    }
    int w = open_work(c->work);
    if (w < 0)
        return w;
    fs->work_fd = w;
    struct stat us, ws;
    if (fstat(fs->root_fds[0], &us) < 0 || fstat(w, &ws) < 0)
        return -errno;
    if (us.st_dev != ws.st_dev)
        return -EXDEV;  // renames from work into upper must be atomic
    fs->upper_dev = us.st_dev;
    // The root merges every layer; lowers' roots are never opaque to it.
    struct ovl_node *r = fs->root;
    r->dirs = calloc((size_t)fs->nlayers, sizeof *r->dirs);
    r->name = strdup("");
    if (!r->dirs || !r->name)
        return -ENOMEM;
    for (int i = 0; i < fs->nlayers; i++)
        r->dirs[i] = (struct ovl_ldir){fs->root_fds[i], i, ovl_opaque_value(fs->root_fds[i]) == 'x'};
    r->ndirs = fs->nlayers;
    r->fd = fs->root_fds[0];
    r->dev = us.st_dev;
    r->ino = us.st_ino;
    r->type = S_IFDIR;
    r->nlookup = 1;
    ovl_node_fds_init(r);
    pthread_mutex_init(&r->cu, NULL);
    // Each node holds fds: allow as many as the hard limit does.
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
        rl.rlim_cur = rl.rlim_max;
        setrlimit(RLIMIT_NOFILE, &rl);
    }
    // Files read or written keep a data fd while the kernel remembers them;
    // a quarter of the fds, at most 4096, for those (the rest per request).
    fs->io_max = 4096;
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur / 4 < (rlim_t)fs->io_max)
        fs->io_max = (int)(rl.rlim_cur / 4);
    return 0;
}

int dbx_fuse_overlay_serve(int fuse_fd, const struct dbx_fuse_overlay_config *config) {
    struct ovl_fs *fs = calloc(1, sizeof *fs);
    if (!fs) {
        close(fuse_fd);
        return -ENOMEM;
    }
    fs->work_fd = -1;
    int rc = fs_setup(fs, config);
    if (rc == 0)
        rc = wait_mounted(fuse_fd);
    if (rc < 0) {
        close(fuse_fd);
        fs_free(fs);
        return rc;
    }
    char *argv[] = {"dbx-fuse-overlay", config->debug ? "-d" : NULL, NULL};
    struct fuse_args args = FUSE_ARGS_INIT(config->debug ? 2 : 1, argv);
    struct fuse_session *se = fuse_session_new(&args, &ops, sizeof ops, fs);
    if (!se) {
        close(fuse_fd);
        fs_free(fs);
        return -EINVAL;
    }
    // libfuse serves a connection mounted elsewhere when given /dev/fd/N.
    char mnt[32];
    snprintf(mnt, sizeof mnt, "/dev/fd/%d", fuse_fd);
    if (fuse_session_mount(se, mnt) != 0) {
        fuse_session_destroy(se);
        close(fuse_fd);
        fs_free(fs);
        return -EBADF;
    }
    struct fuse_loop_config *lc = fuse_loop_cfg_create();
    if (!lc) {
        fuse_session_destroy(se);
        fs_free(fs);
        return -ENOMEM;
    }
    fuse_loop_cfg_set_clone_fd(lc, 0);
    if (config->threads > 0)
        fuse_loop_cfg_set_max_threads(lc, (unsigned)config->threads);
    // One thread unless asked for more: on a small VM, handing requests
    // between worker threads (cross-CPU wakeups) cost more than they saved;
    // an untar ran about 1.7x slower with libfuse's multi-threaded loop.
    rc = config->threads <= 1 ? serve_single(se, spin_time_ns()) : fuse_session_loop_mt(se, lc);
    fuse_loop_cfg_destroy(lc);
    // An unmount ends the loop with the connection gone (ENODEV): not an error.
    fuse_session_unmount(se);
    fuse_session_destroy(se);  // closes fuse_fd
    fs_free(fs);
    return rc < 0 && rc != -ENODEV ? rc : 0;
}
