// Passing an fd over a unix socket with one byte that says which it is:
// the terminal a container's PID 1 hands to devbox, the /dev/fuse fd it
// hands to the FUSE overlay's process (tagged with the mount's index).
#define _GNU_SOURCE
#include "csyscalls.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

int dbx_send_fd_tagged(int sock, int fd, char tag) {
    struct iovec iov = {&tag, 1};
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    memset(&u, 0, sizeof u);
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    cm->cmsg_level = SOL_SOCKET;
    cm->cmsg_type = SCM_RIGHTS;
    cm->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(cm), &fd, sizeof fd);
    // MSG_NOSIGNAL: a peer that died (a FUSE daemon that could not start)
    // is an error to report, not a SIGPIPE that kills PID 1 silently.
    return sendmsg(sock, &msg, MSG_NOSIGNAL) == 1 ? 0 : -1;
}

int dbx_recv_fd_tagged(int sock, int *fd, char *tag) {
    struct iovec iov = {tag, 1};
    union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
    struct msghdr msg = {0};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = u.buf;
    msg.msg_controllen = sizeof u.buf;
    ssize_t n;
    while ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {}
    if (n == 0) return 0;
    if (n != 1) return -1;
    struct cmsghdr *cm = CMSG_FIRSTHDR(&msg);
    if (!cm || cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS) return -1;
    memcpy(fd, CMSG_DATA(cm), sizeof *fd);
    return 1;
}
