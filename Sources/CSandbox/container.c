// PID 1 of the container, from clone() to the init loop.
#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

// A new process waits on its parent's CPU, often until the mounts are
// done, even with another CPU idle. Allowed every CPU but this one, it
// moves at once. False when there is no other CPU or the call is refused.
static int move_elsewhere(pid_t pid, const cpu_set_t *cpus) {
    cpu_set_t elsewhere = *cpus;
    int here = sched_getcpu();
    if (here >= 0 && here < CPU_SETSIZE) CPU_CLR(here, &elsewhere);
    return CPU_COUNT(&elsewhere) > 0 && sched_setaffinity(pid, sizeof elsewhere, &elsewhere) == 0;
}

// Before "go". Should the CPUs it had be refused (a cpuset shrank
// meanwhile), it gets PID 1's: never fewer CPUs than the container has.
static void give_cpus_back(pid_t pid, const cpu_set_t *cpus) {
    cpu_set_t now;
    if (sched_setaffinity(pid, sizeof *cpus, cpus) < 0 && sched_getaffinity(0, sizeof now, &now) == 0)
        sched_setaffinity(pid, sizeof now, &now);
}

static void close_range_or_loop(unsigned int first, unsigned int last) {
    if (first > last || syscall(SYS_close_range, first, last, 0U) == 0) return;
    // Before Linux 5.9: one by one, up to the fd limit (no fd lies above it).
    struct rlimit rl;
    rlim_t limit = getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (1u << 20) ? rl.rlim_cur : (1u << 20);
    for (rlim_t fd = first; fd <= last && fd < limit; fd++) close((int)fd);
}

// What devbox's caller left open (a directory fd would reach outside the
// project, under any profile) and devbox's own fds (the held user
// namespace's): gone before anything of the container runs. Kept: stdio,
// the fds the user passes on with --preserve-fds, and `keep`.
static void close_inherited_fds(const struct dbx_config *c, int keep1, int keep2, int keep3, int keep4, int keep5) {
    unsigned int next = 3u + (unsigned int)(c->preserve_fds > 0 ? c->preserve_fds : 0);
    enum { N = 5 };
    int keeps[N] = {keep1, keep2, keep3, keep4, keep5};
    for (int i = 0; i < N; i++)  // sorted: five values
        for (int j = i + 1; j < N; j++)
            if (keeps[j] < keeps[i]) { int t = keeps[i]; keeps[i] = keeps[j]; keeps[j] = t; }
    for (int i = 0; i < N; i++) {
        if (keeps[i] < (int)next) continue;
        close_range_or_loop(next, (unsigned int)keeps[i] - 1);
        next = (unsigned int)keeps[i] + 1;
    }
    close_range_or_loop(next, ~0U);
}

// oom_score_adj is inherited: set once here for every process of the
// container. Lowering it needs CAP_SYS_RESOURCE in the initial namespace.
static void set_oom_score_adj(const struct dbx_config *c) {
    if (!c->set_oom_score_adj) return;
    char value[16];
    snprintf(value, sizeof value, "%d", c->oom_score_adj);
    int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    int rc = fd < 0 ? -errno : dbx_write_all(fd, value);
    if (fd >= 0) close(fd);
    if (rc == -EACCES || rc == -EPERM)
        dbx_die("cannot lower oom_score_adj (only root on the host may; rootless may only raise it) to", value, -rc);
    if (rc < 0) dbx_die("cannot set oom_score_adj to", value, -rc);
}

// Tells the supervisor the mounts are done (see dbx_config.ready_fd). The
// command's process keeps its copy until its exec closes it, or writes
// 'x' first when it cannot get there (dbx_die, command not found).
static void report_mounted(const struct dbx_config *c) {
    if (c->ready_fd >= 0) (void)!write(c->ready_fd, "m", 1);
    // Every FUSE mount was handed over: the daemon stops waiting for more.
    if (c->fuse_socket_fd >= 0) close(c->fuse_socket_fd);
}

static void close_ready(const struct dbx_config *c) {
    if (c->ready_fd >= 0) close(c->ready_fd);
}

void dbx_container_main(const struct dbx_config *c, int sync_fd, int console_fd, int exit_fd, int defer_net) {
    // Die with devbox: when it is killed, this PID 1 dies and the kernel
    // kills everything else in the PID namespace. No orphans.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    char go;
    // The parent may already be gone (then the pipe reads EOF): leave.
    if (read(sync_fd, &go, 1) != 1) _exit(DBX_EXIT_SETUP);
    close(sync_fd);
    dbx_join_namespaces(c);
    set_oom_score_adj(c);
    close_inherited_fds(c, console_fd, c->ready_fd, c->wait_for_start ? c->start_fd : -1, c->fuse_socket_fd,
                        exit_fd);
    // Not dumpable: the command may neither ptrace its init nor open
    // /proc/1/exe (devbox's own binary, the runc CVE-2019-5736 path). Only
    // now: a process that is not dumpable has its /proc files owned by
    // root, and the parent could no longer write this one's id maps.
    prctl(PR_SET_DUMPABLE, 0);

    if (c->hostname && sethostname(c->hostname, strlen(c->hostname)) < 0)
        dbx_die("cannot set hostname", c->hostname, errno);
    if (c->loopback_up && !defer_net) dbx_loopback_up();

    sigset_t oldmask;
    sigemptyset(&oldmask);  // the command starts with nothing blocked
    if (c->prepare_early) {
        // The command's process sets its identity and loads its filter on
        // the other core while this one mounts.
        int ready[2], policy[2] = {-1, -1}, policy_done[2] = {-1, -1}, net[2] = {-1, -1}, proc = -1;
        if (pipe2(ready, O_CLOEXEC) < 0 || (defer_net && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, net) < 0))
            dbx_die("cannot create a pipe", NULL, errno);
        // The host's /proc, where the command's process names its new
        // network namespace whatever PID 1 has mounted over /proc by then.
        if (defer_net && (proc = open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
            dbx_die("cannot open", "/proc", errno);
        // The masked and read-only paths too, once /proc and /sys are there;
        // not when it makes the network namespace: the kernel work that
        // follows lo up (linkwatch, RCU) keeps that CPU busy, and PID 1 was
        // found waiting ~0.5 ms for the masks after its own mounts.
        // And, first, whole top-level subtrees (offload.c).
        struct dbx_setup_helper helper = {defer_net ? -1 : dbx_policy_start(c), -1, -1, -1, NULL, 0, 0, 0};
        if (!defer_net && (helper.offload = malloc(c->nops ? c->nops : 1)))
            helper.offloaded = dbx_offload_plan(c, helper.after, helper.offload, &helper.offload_after, &helper.offload_wait);
        int use_helper = helper.after >= 0 || helper.offloaded > 0;
        if (use_helper && (pipe2(policy, O_CLOEXEC) < 0 || pipe2(policy_done, O_CLOEXEC) < 0))
            dbx_die("cannot create a pipe", NULL, errno);
        cpu_set_t cpus;
        int spread = sched_getaffinity(0, sizeof cpus, &cpus) == 0;
        pid_t cmd = fork();
        if (cmd < 0) dbx_die("cannot start the command", NULL, errno);
        if (cmd == 0) {
            close(ready[1]);
            if (use_helper) { close(policy[1]); close(policy_done[0]); }
            if (defer_net) close(net[0]);
            dbx_exec_command_early(c, &helper, ready[0], policy[0], policy_done[1], net[1], proc, &oldmask);
        }
        close(ready[0]);
        if (defer_net) { close(net[1]); close(proc); }
        if (c->wait_for_start) close(c->start_fd);
        if (use_helper) {
            close(policy[0]);
            close(policy_done[1]);
            helper.start_fd = policy[1];
            helper.done_fd = policy_done[0];
            helper.pid = cmd;
        }
        spread = spread && move_elsewhere(cmd, &cpus);
        // If the command's process already failed (its message is out),
        // "go" meets a closed pipe: no SIGPIPE, and the init loop reaps it
        // and exits with its status.
        signal(SIGPIPE, SIG_IGN);
        if (defer_net) dbx_defer_network(net[0]);
        if (dbx_setup_mounts(c, use_helper ? &helper : NULL) < 0) _exit(DBX_EXIT_SETUP);
        dbx_join_deferred_network();
        report_mounted(c);
        close_ready(c);
        if (use_helper) { close(policy[1]); close(policy_done[0]); }
        free(helper.offload);
        if (spread) give_cpus_back(cmd, &cpus);
        (void)!write(ready[1], "g", 1);
        close(ready[1]);
        dbx_init_loop(c, cmd, &oldmask, exit_fd);
    }

    if (dbx_setup_mounts(c, NULL) < 0) _exit(DBX_EXIT_SETUP);
    report_mounted(c);

    // The terminal lives in the container's own devpts, so `tty` names a
    // path that exists inside; the parent gets the master end.
    char slave[64] = {0};
    if (c->tty) {
        int master = dbx_open_pty(slave, sizeof slave);
        if (master < 0) dbx_die("cannot allocate a pseudo-terminal", NULL, -master);
        if (dbx_send_fd(console_fd, master) < 0) dbx_die("cannot pass the terminal to devbox", NULL, errno);
        close(master);
        close(console_fd);
    }

    pid_t cmd = fork();
    if (cmd < 0) dbx_die("cannot start the command", NULL, errno);
    if (cmd == 0) dbx_exec_command(c, c->tty ? slave : NULL, &oldmask);
    close_ready(c);
    if (c->wait_for_start) close(c->start_fd);
    dbx_init_loop(c, cmd, &oldmask, exit_fd);
}
