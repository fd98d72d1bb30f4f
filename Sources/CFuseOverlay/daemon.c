// The FUSE overlay's process (see fuse_daemon.h). It lives in the host's
// mount namespace, where the layer directories are, and in the image
// store's user namespace, so the owners it reads and writes are the ones
// the layers were unpacked with; the container's kernel mount translates
// them into the container's own user namespace.
#define _GNU_SOURCE
#include "fuse_daemon.h"
#include "csyscalls.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

struct session {
    pthread_t thread;
    int fd;
    const struct dbx_fuse_overlay_config *config;
};

static void *serve(void *arg) {
    struct session *s = arg;
    int rc = dbx_fuse_overlay_serve(s->fd, s->config);  // closes the fd
    if (rc < 0 && s->config->debug) fprintf(stderr, "devbox[fuse]: cannot serve %s: %s\n", s->config->upper, strerror(-rc));
    return NULL;
}

static int write_text(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, text, strlen(text));
    close(fd);
    return n == (ssize_t)strlen(text) ? 0 : -1;
}

// Rootless without subordinate ids: the caller's ids as root, as the
// container's own namespace maps them.
static int own_namespace(void) {
    uid_t uid = getuid();
    gid_t gid = getgid();
    if (unshare(CLONE_NEWUSER) < 0) return -1;
    char map[64];
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)uid);
    if (write_text("/proc/self/uid_map", map) < 0) return -1;
    if (write_text("/proc/self/setgroups", "deny") < 0) return -1;
    snprintf(map, sizeof map, "0 %u 1\n", (unsigned)gid);
    return write_text("/proc/self/gid_map", map);
}

// The fork keeps its parent's command line (a supervisor's
// "devbox-supervise ID ..."): rewritten in place, so ps and pgrep tell the
// daemon from the process it came from. The kernel reads /proc/PID/cmdline
// from this memory, between arg_start and arg_end (proc(5), fields 48-49).
static void rename_command_line(void) {
    char stat[2048];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, stat, sizeof stat - 1);
    close(fd);
    if (n <= 0) return;
    stat[n] = 0;
    char *p = strrchr(stat, ')');
    if (!p) return;
    unsigned long long start = 0, end = 0;
    int field = 2;
    for (char *tok = strtok(p + 1, " "); tok; tok = strtok(NULL, " ")) {
        field++;
        if (field == 48) start = strtoull(tok, NULL, 10);
        if (field == 49) { end = strtoull(tok, NULL, 10); break; }
    }
    static const char name[] = "devbox-fuse";
    if (!start || end <= start + sizeof name) return;
    char *args = (char *)(uintptr_t)start;
    memset(args, 0, (size_t)(end - start));
    memcpy(args, name, sizeof name);
}

// The new mount API (Linux 5.2; tmpfs keeps user xattrs from 6.6, which
// devbox checks before it asks for a layer in memory).
#ifndef SYS_fsopen
#define SYS_fsopen 430
#define SYS_fsconfig 431
#define SYS_fsmount 432
#endif
enum { FSOPEN_CLOEXEC_ = 1, FSCONFIG_SET_STRING_ = 1, FSCONFIG_CMD_CREATE_ = 6, FSMOUNT_CLOEXEC_ = 1 };

// A tmpfs that no path reaches: made in a mount namespace of the daemon's
// own (its user namespace owns that one, so it may), and used through the
// returned directory fd only, so it is freed when the daemon exits.
static int private_tmpfs(void) {
    if (unshare(CLONE_NEWNS) < 0) return -1;
    int fs = (int)syscall(SYS_fsopen, "tmpfs", FSOPEN_CLOEXEC_);
    if (fs >= 0) {
        int mnt = -1;
        if (syscall(SYS_fsconfig, fs, FSCONFIG_SET_STRING_, "mode", "0755", 0) == 0 &&
            syscall(SYS_fsconfig, fs, FSCONFIG_CMD_CREATE_, NULL, NULL, 0) == 0)
            mnt = (int)syscall(SYS_fsmount, fs, FSMOUNT_CLOEXEC_, 0);
        close(fs);
        return mnt;
    }
    // Without the new mount API (a seccomp policy or a tool that does not
    // know it): mounted the old way where no layer can be (/sys), with
    // nothing propagating out of this namespace, then detached at once.
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) return -1;
    if (mount("tmpfs", "/sys", "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0) return -1;
    int dir = open("/sys", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    umount2("/sys", MNT_DETACH);
    return dir;
}

// The in-memory layers' upper and work directories: upper-N takes the mode
// of the top lower's root (an overlay's root shows its upper's), work-N is
// beside it. Their paths go through /proc/self/fd of the tmpfs's root.
static int memory_layers(struct dbx_fuse_overlay_config *configs, int count, char (*paths)[2][64]) {
    int mem = -1;
    for (int i = 0; i < count; i++) {
        if (!configs[i].in_memory) continue;
        if (mem < 0 && (mem = private_tmpfs()) < 0) return -1;
        mode_t mode = 0755;
        struct stat st;
        if (configs[i].nlowers > 0 && stat(configs[i].lowers[0], &st) == 0 && S_ISDIR(st.st_mode)) mode = st.st_mode & 07777;
        char name[32];
        snprintf(name, sizeof name, "upper-%d", i);
        if (mkdirat(mem, name, 0700) < 0 || fchmodat(mem, name, mode, 0) < 0) return -1;
        snprintf(paths[i][0], sizeof paths[i][0], "/proc/self/fd/%d/%s", mem, name);
        snprintf(name, sizeof name, "work-%d", i);
        if (mkdirat(mem, name, 0700) < 0) return -1;
        snprintf(paths[i][1], sizeof paths[i][1], "/proc/self/fd/%d/%s", mem, name);
        configs[i].upper = paths[i][0];
        configs[i].work = paths[i][1];
    }
    return 0;
}

static void daemon_main(const struct dbx_fuse_overlay_config *given, int count, int sock, int userns_fd, int keep_stderr) {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null >= 0) {
        dup2(null, 0);
        dup2(null, 1);
        if (!keep_stderr) dup2(null, 2);
    }
    if (userns_fd >= 0 && setns(userns_fd, CLONE_NEWUSER) < 0) _exit(1);
    if (userns_fd == -2 && own_namespace() < 0) _exit(1);
    // Nothing of the caller's but the socket: no pipe a reader waits on
    // for EOF, no directory outside the layers.
    if (sock > 3) syscall(SYS_close_range, 3U, (unsigned)sock - 1, 0U);
    syscall(SYS_close_range, (unsigned)sock + 1, ~0U, 0U);
    // Not dumpable: a container process with CAP_SYS_PTRACE in this user
    // namespace still may not take over the process that holds the layers.
    prctl(PR_SET_DUMPABLE, 0);
    prctl(PR_SET_NAME, "devbox-fuse");
    rename_command_line();
    struct dbx_fuse_overlay_config *configs = calloc((size_t)count, sizeof *configs);
    char (*paths)[2][64] = calloc((size_t)count, sizeof *paths);
    if (!configs || !paths) _exit(1);
    memcpy(configs, given, (size_t)count * sizeof *configs);
    // No layer: PID 1 finds the socket closed when it hands the mount over,
    // and the run ends with its message.
    if (memory_layers(configs, count, paths) < 0) {
        if (keep_stderr) fprintf(stderr, "devbox[fuse]: cannot make the layer in memory: %s\n", strerror(errno));
        _exit(1);
    }
    struct session *sessions = calloc((size_t)count, sizeof *sessions);
    if (!sessions) _exit(1);
    int started = 0, fd;
    char tagged;
    while (started < count && dbx_recv_fd_tagged(sock, &fd, &tagged) > 0) {
        unsigned char tag = (unsigned char)tagged;
        if (tag >= count || sessions[tag].config) { close(fd); continue; }
        sessions[tag] = (struct session){.fd = fd, .config = &configs[tag]};
        if (pthread_create(&sessions[tag].thread, NULL, serve, &sessions[tag]) != 0) { close(fd); sessions[tag].config = NULL; continue; }
        started++;
    }
    close(sock);
    for (int i = 0; i < count; i++)
        if (sessions[i].config) pthread_join(sessions[i].thread, NULL);
    _exit(0);
}

int dbx_fuse_daemon_start(const struct dbx_fuse_overlay_config *configs, int count, int userns_fd, int keep_stderr) {
    if (count <= 0 || count > 255) return -EINVAL;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) return -errno;
    pid_t child = fork();
    if (child < 0) {
        int err = errno;
        close(sv[0]);
        close(sv[1]);
        return -err;
    }
    if (child == 0) {
        close(sv[1]);
        // A grandchild, re-parented to init: the caller's wait loop never
        // meets it, and it outlives the caller as long as its mounts do.
        pid_t daemon = fork();
        if (daemon != 0) _exit(daemon < 0);
        setsid();
        daemon_main(configs, count, sv[0], userns_fd, keep_stderr);
    }
    close(sv[0]);
    int status;
    while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        close(sv[1]);
        return -ECHILD;
    }
    return sv[1];
}
