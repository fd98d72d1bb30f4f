// The network namespace PID 1 joins late (dbx_run's defer_net): the
// command's process makes it and brings lo up on the other CPU while PID 1
// mounts, then sends it over a socket. PID 1 joins it when the first step
// needs it (a sysfs of the container's own devices) or, at the latest,
// before it reports the mounts done, so nothing outside (exec, hooks, the
// supervisor) ever sees PID 1 in another network namespace.
#include "internal.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

static int pending_socket = -1;

void dbx_defer_network(int socket) { pending_socket = socket; }

void dbx_join_deferred_network(void) {
    if (pending_socket < 0) return;
    int socket = pending_socket;
    pending_socket = -1;
    int ns = dbx_recv_fd(socket);
    // None: the command's process could not make it (its message is out).
    if (ns < 0) _exit(DBX_EXIT_SETUP);
    close(socket);
    if (setns(ns, CLONE_NEWNET) < 0) dbx_die("cannot join the container's network namespace", NULL, errno);
    close(ns);
}

// lo of the network namespace the caller is in, up (it starts down).
void dbx_loopback_up(void) {
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) dbx_die("cannot open a socket to bring up lo", NULL, errno);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strncpy(ifr.ifr_name, "lo", IFNAMSIZ - 1);
    if (ioctl(fd, SIOCGIFFLAGS, &ifr) < 0) dbx_die("cannot read flags of", "lo", errno);
    ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
    if (ioctl(fd, SIOCSIFFLAGS, &ifr) < 0) dbx_die("cannot bring up", "lo", errno);
    close(fd);
}
