// Test driver for CFuseOverlay: mounts MNT with the overlay (as root or in a
// user+mount namespace) and serves it from a child process.
//
//   fuseovl [-d] [-s] [-t threads] LOWER1:LOWER2:... UPPER WORK MNT
//       mounts, forks the daemon, waits until the mount answers, prints the
//       daemon's pid and exits.
//   fuseovl -n LOWERS UPPER WORK MNT
//       namespace test: a child unshares a mount namespace, mounts there,
//       uses the mount and exits; this process serves from outside it and
//       must see the loop end on its own when that namespace dies.
#define _GNU_SOURCE
#include "cfuseoverlay.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static int do_mount(int fd, const char *mnt) {
    char opts[256];
    snprintf(opts, sizeof opts, "fd=%d,rootmode=40000,user_id=%d,group_id=%d,allow_other,default_permissions", fd,
             (int)getuid(), (int)getgid());
    if (mount("dbxfuse", mnt, "fuse.dbxfuse", MS_NOSUID | MS_NODEV, opts) < 0) {
        perror("mount");
        return -1;
    }
    return 0;
}

static void on_alarm(int sig) {
    (void)sig;
    static const char m[] = "fuseovl: serve did not return after the namespace died\n";
    if (write(2, m, sizeof m - 1) < 0) {
    }
    _exit(3);
}

int main(int argc, char **argv) {
    struct dbx_fuse_overlay_config c = {0};
    int opt, nstest = 0;
    while ((opt = getopt(argc, argv, "dst:n")) != -1) {
        switch (opt) {
        case 'd': c.debug = 1; break;
        case 's': c.squash_to_root = 1; break;
        case 't': c.threads = atoi(optarg); break;
        case 'n': nstest = 1; break;
        default: return 2;
        }
    }
    if (argc - optind != 4) {
        fprintf(stderr, "usage: fuseovl [-d] [-s] [-t n] [-n] LOWERS UPPER WORK MNT\n");
        return 2;
    }
    const char *lowers[128];
    char *ls = strdup(argv[optind]);
    for (char *tok = strtok(ls, ":"); tok && c.nlowers < 128; tok = strtok(NULL, ":"))
        lowers[c.nlowers++] = tok;
    c.lowers = lowers;
    c.upper = argv[optind + 1];
    c.work = argv[optind + 2];
    const char *mnt = argv[optind + 3];

    int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
    if (fd < 0) {
        perror("/dev/fuse");
        return 1;
    }
    if (nstest) {
        pid_t pid = fork();
        if (pid == 0) {
            if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0) {
                perror("unshare");
                _exit(1);
            }
            if (do_mount(fd, mnt) < 0)
                _exit(1);
            close(fd);
            DIR *d = opendir(mnt);
            int n = 0;
            while (d && readdir(d))
                n++;
            if (d)
                closedir(d);
            printf("child: %d entries in the mount\n", n);
            _exit(n > 2 ? 0 : 1);
        }
        signal(SIGALRM, on_alarm);
        alarm(20);
        int rc = dbx_fuse_overlay_serve(fd, &c);
        int st;
        waitpid(pid, &st, 0);
        printf("serve returned %d after the namespace died; child status %d\n", rc,
               WIFEXITED(st) ? WEXITSTATUS(st) : 128);
        return rc == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : 1;
    }
    if (do_mount(fd, mnt) < 0)
        return 1;
    pid_t pid = fork();
    if (pid == 0) {
        setsid();
        int nul = open("/dev/null", O_RDWR);
        dup2(nul, 0);
        dup2(nul, 1);
        int rc = dbx_fuse_overlay_serve(fd, &c);
        if (rc < 0)
            fprintf(stderr, "fuseovl: serve: %s\n", strerror(-rc));
        _exit(rc < 0 ? 1 : 0);
    }
    close(fd);
    struct stat st;
    if (stat(mnt, &st) < 0) {  // blocks until the daemon answered INIT
        perror("stat mount");
        kill(pid, SIGKILL);
        return 1;
    }
    printf("%d\n", (int)pid);
    return 0;
}
