// Terminals: the pty is created inside the container (its own devpts), the
// master end travels to devbox over a socket (crun's console socket), and
// devbox proxies it to the user's terminal in raw mode.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int dbx_open_pty(char *slave_path, size_t len) {
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0) return -errno;
    int unlock = 0, n = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ioctl(master, TIOCGPTN, &n) < 0) {
        int e = errno;
        close(master);
        return -e;
    }
    snprintf(slave_path, len, "/dev/pts/%d", n);
    return master;
}

int dbx_send_fd(int sock, int fd) { return dbx_send_fd_tagged(sock, fd, 't'); }

int dbx_recv_fd(int sock) {
    int fd;
    char tag;
    return dbx_recv_fd_tagged(sock, &fd, &tag) == 1 ? fd : -1;
}

// Restored on every way out: normal exit, error, and atexit for the rest.
static struct termios saved_termios;
static int termios_saved = 0;

static void restore_terminal(void) {
    if (termios_saved) {
        tcsetattr(0, TCSAFLUSH, &saved_termios);
        termios_saved = 0;
    }
}

static void make_raw(void) {
    if (!isatty(0) || tcgetattr(0, &saved_termios) < 0) return;
    termios_saved = 1;
    atexit(restore_terminal);
    struct termios raw = saved_termios;
    cfmakeraw(&raw);
    tcsetattr(0, TCSAFLUSH, &raw);
}

// "ROWS COLS" from the attach client's file (0700 directory of the user's;
// a link planted there is not followed); each within 1..65535.
static int read_winsize_file(const char *path, struct winsize *ws) {
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) return -1;
    struct stat st;
    char text[32];
    ssize_t n = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) ? read(fd, text, sizeof text - 1) : -1;
    close(fd);
    if (n <= 0) return -1;
    text[n] = '\0';
    unsigned long rows, cols;
    char *end;
    rows = strtoul(text, &end, 10);
    if (end == text || *end != ' ') return -1;
    char *start = end + 1;
    cols = strtoul(start, &end, 10);
    if (end == start || (*end != '\0' && *end != '\n')) return -1;
    if (rows < 1 || rows > 65535 || cols < 1 || cols > 65535) return -1;
    memset(ws, 0, sizeof *ws);
    ws->ws_row = (unsigned short)rows;
    ws->ws_col = (unsigned short)cols;
    return 0;
}

static void copy_winsize(int master, const char *file) {
    struct winsize ws;
    if (file) {
        if (read_winsize_file(file, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
        return;
    }
    if (ioctl(0, TIOCGWINSZ, &ws) == 0 || ioctl(1, TIOCGWINSZ, &ws) == 0) ioctl(master, TIOCSWINSZ, &ws);
}

static int write_all(int fd, const char *buf, size_t len) {
    while (len > 0) {
        ssize_t n = write(fd, buf, len);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EAGAIN) { struct pollfd p = {fd, POLLOUT, 0}; poll(&p, 1, -1); continue; }
            return -1;
        }
        buf += n;
        len -= (size_t)n;
    }
    return 0;
}

static int status_to_exit(int status) {
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return DBX_EXIT_SETUP;
}

// Waits for PID 1, passing signals on and, with a terminal, copying bytes.
int dbx_supervise(const struct dbx_config *c, pid_t child, int master, int sigfd, int exit_fd) {
    if (master >= 0) {
        make_raw();
        copy_winsize(master, c->winsize_path);
        fcntl(master, F_SETFL, fcntl(master, F_GETFL) | O_NONBLOCK);
    }
    int stdin_open = master >= 0 && c->forward_stdin;
    int exit_status = -1;
    char buf[65536];
    for (;;) {
        struct pollfd fds[4];
        int nfds = 0;
        fds[nfds++] = (struct pollfd){sigfd, POLLIN, 0};
        if (exit_fd >= 0) fds[nfds++] = (struct pollfd){exit_fd, POLLIN, 0};
        if (master >= 0) fds[nfds++] = (struct pollfd){master, POLLIN, 0};
        if (stdin_open) fds[nfds++] = (struct pollfd){0, POLLIN, 0};
        if (poll(fds, (nfds_t)nfds, -1) < 0) {
            if (errno == EINTR) continue;
            break;
        }
        if (exit_fd >= 0 && (fds[1].revents & (POLLIN | POLLHUP | POLLERR))) {
            unsigned char code;
            ssize_t n = read(exit_fd, &code, 1);
            if (n == 1) { exit_status = code; break; }
            // EOF: PID 1 ended without a report (a failed setup); its own
            // status comes with SIGCHLD.
            if (n == 0 || (errno != EINTR && errno != EAGAIN)) exit_fd = -1;
            continue;
        }
        if (fds[0].revents & POLLIN) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) == sizeof si) {
                if (si.ssi_signo == SIGCHLD) {
                    int status;
                    if (waitpid(child, &status, WNOHANG) == child) { exit_status = status_to_exit(status); break; }
                } else if (si.ssi_signo == SIGWINCH && master >= 0) {
                    copy_winsize(master, c->winsize_path);
                } else if (si.ssi_code != SI_KERNEL || master >= 0) {
                    // Terminal-generated signals already reached the command
                    // (same foreground group) unless it has its own pty.
                    kill(child, (int)si.ssi_signo);
                }
            }
        }
        for (int i = exit_fd >= 0 ? 2 : 1; i < nfds; i++) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
            if (fds[i].fd == master) {
                ssize_t n = read(master, buf, sizeof buf);
                if (n > 0) write_all(1, buf, (size_t)n);
                else if (n == 0 || (errno != EAGAIN && errno != EINTR)) { close(master); master = -1; stdin_open = 0; }
            } else {
                ssize_t n = read(0, buf, sizeof buf);
                if (n > 0 && master >= 0) write_all(master, buf, (size_t)n);
                else if (n == 0) {
                    stdin_open = 0;
                    if (master >= 0) { char eot = 4; write_all(master, &eot, 1); }
                }
            }
        }
    }
    if (master >= 0) {
        // Drain what the command printed before it exited.
        for (;;) {
            ssize_t n = read(master, buf, sizeof buf);
            if (n <= 0) break;
            write_all(1, buf, (size_t)n);
        }
    }
    if (exit_status < 0) {
        int status;
        while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
        exit_status = status_to_exit(status);
    }
    restore_terminal();
    return exit_status;
}
