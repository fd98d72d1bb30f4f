// Joining a user namespace, and the check that makes it safe to try.
#define _GNU_SOURCE
#include "csyscalls.h"

#include <dirent.h>
#include <errno.h>
#include <sched.h>

int dbx_join_user_namespace(int fd) {
    if (dbx_single_threaded() == 0) return -EINVAL;
    return setns(fd, CLONE_NEWUSER) == 0 ? 0 : -errno;
}

// The kernel refuses a user namespace to a process with more than one
// thread (EINVAL, which says nothing); counting /proc/self/task says why.
int dbx_single_threaded(void) {
    DIR *dir = opendir("/proc/self/task");
    if (!dir) return -errno;
    int threads = 0;
    struct dirent *entry;
    while ((entry = readdir(dir)) != NULL)
        if (entry->d_name[0] != '.') threads++;
    closedir(dir);
    return threads == 1 ? 1 : 0;
}
