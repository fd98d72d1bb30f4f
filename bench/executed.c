// Prints the address of every instruction a command executes, once each, by
// single-stepping it with ptrace, and the processes it forks until they
// exec another program. bench/link-order.sh uses it to find the
// code `devbox run` runs on this CPU (valgrind would pick other variants of
// glibc's string functions, and cannot run devbox's container setup).
//
//   cc -O2 -o executed executed.c && ./executed OUT -- COMMAND [ARG...]
#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

static uint64_t *slots;
static size_t capacity = 1 << 20, used;

static void grow(void);

static void remember(uint64_t address) {
    size_t i = (size_t)((address * 0x9E3779B97F4A7C15ull) >> 40) & (capacity - 1);
    while (slots[i] && slots[i] != address) i = (i + 1) & (capacity - 1);
    if (slots[i]) return;
    slots[i] = address;
    if (++used * 2 > capacity) grow();
}

static void grow(void) {
    uint64_t *old = slots;
    size_t old_capacity = capacity;
    capacity *= 2;
    used = 0;
    slots = calloc(capacity, sizeof *slots);
    if (!slots) { perror("executed: calloc"); exit(1); }
    for (size_t i = 0; i < old_capacity; i++)
        if (old[i]) remember(old[i]);
    free(old);
}

// Every process devbox forks is followed (PID 1, the command's process up
// to its exec, the policy helper): the container's setup runs in them, and
// its code belongs in the order as much as the launcher's. A process is
// let go at its second exec (the command, newuidmap): that is another
// program. Tracees run one at a time, each single-stepped.
struct tracee { pid_t pid; int exec_seen; };
static struct tracee tracees[64];
static int ntracees;

static struct tracee *find(pid_t pid) {
    for (int i = 0; i < ntracees; i++) if (tracees[i].pid == pid) return &tracees[i];
    return NULL;
}

static struct tracee *add(pid_t pid, int exec_seen) {
    struct tracee *t = find(pid);
    if (t) return t;
    if (ntracees == (int)(sizeof tracees / sizeof *tracees)) return NULL;
    tracees[ntracees] = (struct tracee){pid, exec_seen};
    return &tracees[ntracees++];
}

static void drop(pid_t pid) {
    for (int i = 0; i < ntracees; i++)
        if (tracees[i].pid == pid) { tracees[i] = tracees[--ntracees]; return; }
}

int main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: executed OUT -- COMMAND [ARG...]\n");
        return 2;
    }
    slots = calloc(capacity, sizeof *slots);
    if (!slots) { perror("executed: calloc"); return 1; }
    pid_t child = fork();
    if (child < 0) { perror("executed: fork"); return 1; }
    if (child == 0) {
        ptrace(PTRACE_TRACEME, 0, NULL, NULL);
        raise(SIGSTOP);
        execvp(argv[3], argv + 3);
        perror("executed: exec");
        _exit(127);
    }
    int status, result = 0;
    if (waitpid(child, &status, 0) < 0) { perror("executed: waitpid"); return 1; }
    long options = PTRACE_O_TRACEEXEC | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE;
    ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)options);
    add(child, 0);
    ptrace(PTRACE_SINGLESTEP, child, NULL, NULL);
    while (ntracees > 0) {
        pid_t pid = waitpid(-1, &status, __WALL);
        if (pid < 0) {
            if (errno == EINTR) continue;
            break;
        }
        struct tracee *t = find(pid);
        if (WIFEXITED(status) || WIFSIGNALED(status)) {
            if (pid == child) {
                result = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
                break;  // what is left (PID 1 tearing down) is let go with us
            }
            drop(pid);
            continue;
        }
        if (!WIFSTOPPED(status)) continue;
        if (!t) t = add(pid, 1);  // a new child's first stop can come before its parent's event
        if (!t) { ptrace(PTRACE_DETACH, pid, NULL, NULL); continue; }
        int sig = WSTOPSIG(status), event = status >> 16, pass = 0;
        if (sig == SIGTRAP && (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK || event == PTRACE_EVENT_CLONE)) {
            unsigned long born = 0;
            if (ptrace(PTRACE_GETEVENTMSG, pid, NULL, &born) == 0) add((pid_t)born, 1);
        } else if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
            if (t->exec_seen) { ptrace(PTRACE_DETACH, pid, NULL, NULL); drop(pid); continue; }
            t->exec_seen = 1;
        } else if (sig == SIGTRAP) {
            struct user_regs_struct regs;
            if (t->exec_seen && ptrace(PTRACE_GETREGS, pid, NULL, &regs) == 0) remember(regs.rip);
        } else if (sig == SIGSTOP && event == 0) {
            // A new tracee's first stop: not a signal to pass on.
        } else {
            pass = sig;
        }
        if (ptrace(PTRACE_SINGLESTEP, pid, NULL, (void *)(long)pass) < 0 && errno == ESRCH) drop(pid);
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) { perror(argv[1]); return 1; }
    for (size_t i = 0; i < capacity; i++)
        if (slots[i]) fprintf(out, "%llx\n", (unsigned long long)slots[i]);
    fclose(out);
    return result;
}
