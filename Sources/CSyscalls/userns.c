// Joining a user namespace, and the check that makes it safe to try.
#define _GNU_SOURCE
#include "csyscalls.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <errno.h>
#include <sched.h>

int dbx_join_user_namespace(int fd) {
    if (dbx_single_threaded() == 0) {
        static const char msg[] = "devbox: internal error: more than one thread before joining a user namespace\n";
        (void)!write(2, msg, sizeof msg - 1);
        return -EINVAL;
    }
    return setns(fd, CLONE_NEWUSER) == 0 ? 0 : -errno;
}

// The kernel refuses a user namespace to a process with more than one
// thread (EINVAL, which says nothing); this says why. One small read:
// field 20 of /proc/self/stat, after the ")" that ends the command name
// (which may itself hold spaces and parentheses).
int dbx_thread_count(void) {
    char buf[1024];
    int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = '\0';
    char *p = strrchr(buf, ')');
    if (!p) return -1;
    // Fields after the name: 3 state ... 20 num_threads.
    for (int field = 2; field < 20 && p; field++) p = strchr(p + 1, ' ');
    return p ? atoi(p + 1) : -1;
}

int dbx_single_threaded(void) {
    int threads = dbx_thread_count();
    return threads < 0 ? threads : threads == 1;
}
