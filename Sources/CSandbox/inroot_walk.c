// Resolving a path inside the container's root without openat2(2): for
// kernels before 5.6, valgrind, and sandboxes around devbox whose filter
// refuses the call. The same rules as RESOLVE_IN_ROOT, kept by walking one
// component at a time: each is opened O_PATH|O_NOFOLLOW relative to the
// directory fd before it, a symlink is read and its target walked in turn
// (an absolute one from the root), and ".." returns to the directory the
// walk came from, never above the root. No path string is handed to the
// kernel whole, so a symlink swapped in meanwhile is met as a symlink.
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 256
#define MAX_LINKS 40

// The directories walked so far; [0] is the root.
struct walk {
    int fds[MAX_DEPTH];
    int depth;
};

static void unwind(struct walk *w, int to) {
    while (w->depth > to) close(w->fds[w->depth--]);
}

// The next component of *p (slashes skipped), copied into name; 0 at the end.
static int next_component(const char **p, char *name, size_t len) {
    while (**p == '/') (*p)++;
    size_t n = strcspn(*p, "/");
    if (n == 0) return 0;
    if (n >= len) return -ENAMETOOLONG;
    memcpy(name, *p, n);
    name[n] = '\0';
    *p += n;
    return 1;
}

int dbx_root_walk(int root, const char *rel, int flags, int no_symlinks) {
    struct walk w = {.depth = 0};
    w.fds[0] = root;
    // What is left to walk: the rest of rel, or a link's target followed by it.
    char todo[8192], spare[8192], name[256];
    if (snprintf(todo, sizeof todo, "%s", rel) >= (int)sizeof todo) return -ENAMETOOLONG;
    const char *p = todo;
    int links = 0, rc, last_is_link = 0;
    while ((rc = next_component(&p, name, sizeof name)) > 0) {
        int final = strspn(p, "/") == strlen(p);
        if (strcmp(name, ".") == 0) continue;
        if (strcmp(name, "..") == 0) {
            unwind(&w, w.depth > 0 ? w.depth - 1 : 0);
            continue;
        }
        int fd = openat(w.fds[w.depth], name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0) { rc = -errno; break; }
        struct stat st;
        if (fstat(fd, &st) < 0) { rc = -errno; close(fd); break; }
        if (S_ISLNK(st.st_mode) && !(final && (flags & O_NOFOLLOW))) {
            char target[4096];
            ssize_t n = readlinkat(fd, "", target, sizeof target - 1);
            close(fd);
            if (n < 0) { rc = -errno; break; }
            if (no_symlinks || ++links > MAX_LINKS) { rc = -ELOOP; break; }
            target[n] = '\0';
            if (target[0] == '/') unwind(&w, 0);
            if (snprintf(spare, sizeof spare, "%s/%s", target, p) >= (int)sizeof spare) { rc = -ENAMETOOLONG; break; }
            memcpy(todo, spare, sizeof todo);
            p = todo;
            continue;
        }
        if (w.depth + 1 >= MAX_DEPTH) { close(fd); rc = -ENAMETOOLONG; break; }
        if (!final && !S_ISDIR(st.st_mode)) { close(fd); rc = -ENOTDIR; break; }
        last_is_link = S_ISLNK(st.st_mode);
        w.fds[++w.depth] = fd;
    }
    if (rc < 0) {
        unwind(&w, 0);
        return rc;
    }
    int top = w.fds[w.depth];
    struct stat st;
    if ((flags & O_DIRECTORY) && (fstat(top, &st) < 0 || !S_ISDIR(st.st_mode))) {
        unwind(&w, 0);
        return -ENOTDIR;
    }
    if (last_is_link && !(flags & O_PATH)) {
        unwind(&w, 0);
        return -ELOOP;
    }
    int fd;
    if (flags & O_PATH) {
        fd = w.depth > 0 ? w.fds[w.depth--] : fcntl(root, F_DUPFD_CLOEXEC, 3);
    } else {
        // Opened for real through what was resolved, not by name again.
        char path[64];
        snprintf(path, sizeof path, "/oldroot/proc/self/fd/%d", top);
        fd = open(path, (flags & ~(O_NOFOLLOW | O_CREAT | O_EXCL)) | O_CLOEXEC);
    }
    int err = errno;
    unwind(&w, 0);
    return fd < 0 ? -err : fd;
}
