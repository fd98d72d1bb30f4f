// Prints the address of every instruction a command executes, once each, by
// single-stepping it with ptrace. Only the command itself is traced: the
// processes it starts run untraced. bench/link-order.sh uses it to find the
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
    int status, exec_seen = 0;
    if (waitpid(child, &status, 0) < 0) { perror("executed: waitpid"); return 1; }
    ptrace(PTRACE_SETOPTIONS, child, NULL, (void *)(long)PTRACE_O_TRACEEXEC);
    int signal_to_pass = 0;
    for (;;) {
        if (ptrace(PTRACE_SINGLESTEP, child, NULL, (void *)(long)signal_to_pass) < 0) {
            perror("executed: ptrace");
            return 1;
        }
        signal_to_pass = 0;
        if (waitpid(child, &status, 0) < 0) { perror("executed: waitpid"); return 1; }
        if (WIFEXITED(status) || WIFSIGNALED(status)) break;
        if (!WIFSTOPPED(status)) continue;
        int sig = WSTOPSIG(status);
        if (sig == SIGTRAP && (status >> 16) == PTRACE_EVENT_EXEC) { exec_seen = 1; continue; }
        if (sig != SIGTRAP) { signal_to_pass = sig; continue; }
        if (!exec_seen) continue;   // still in this program, before exec
        struct user_regs_struct regs;
        if (ptrace(PTRACE_GETREGS, child, NULL, &regs) == 0) remember(regs.rip);
    }
    FILE *out = fopen(argv[1], "w");
    if (!out) { perror(argv[1]); return 1; }
    for (size_t i = 0; i < capacity; i++)
        if (slots[i]) fprintf(out, "%llx\n", (unsigned long long)slots[i]);
    fclose(out);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
