// Which steps the command's early process may run while PID 1 runs the
// rest. It already lays the profile's masks on the other CPU; before that,
// once the root is mounted, it can also build whole top-level subtrees that
// nothing else touches: each top-level overlay of the host image (~80 us
// each with its upper and work directories, six on the bench machine, most
// of PID 1's critical path) and /dev (a tmpfs, six binds, devpts, shm,
// mqueue, symlinks). PID 1 waits for them before the first of its own steps
// that touches one (/etc/resolv.conf into /etc), or before pivot_root.
//
// A subtree some earlier step touches stays with PID 1 (taken out of order,
// that step would land on top of it, not under), and so does one whose
// steps read from inside the root or from what PID 1 makes (the generated
// hosts file bound into /etc). The split is balanced with rough costs
// (below): a subtree goes only when the longer of the two processes gets
// shorter by it (the helper also has the masks to lay).
#include "internal.h"

#include <sys/types.h>

#include <stdlib.h>
#include <string.h>

static const char newroot[] = "/newroot";

// Whether one path is the other or lies below it.
int dbx_paths_overlap(const char *a, const char *b) {
    if (!a || !b) return 0;
    size_t la = strlen(a), lb = strlen(b), n = la < lb ? la : lb;
    if (strncmp(a, b, n) != 0) return 0;
    const char *longer = la > lb ? a : b;
    return la == lb || longer[n] == '/' || (n > 0 && longer[n - 1] == '/');
}

// Masked and read-only paths: the profile's policy, laid last.
int dbx_is_policy_op(const struct dbx_op *op) { return op->kind == DBX_OP_MASK || op->kind == DBX_OP_READONLY_PATH; }

// In /proc and /sys no step but their own mounts and the policy's puts
// anything, so no symlink elsewhere can make two steps meet that the path
// text keeps apart.
static int in_kernel_tree(const char *path) {
    return strncmp(path, "/newroot/proc/", 14) == 0 || strncmp(path, "/newroot/sys/", 13) == 0;
}

ssize_t dbx_policy_start(const struct dbx_config *c) {
    size_t first = c->nops;
    for (size_t i = 0; i < c->nops; i++) {
        if (!dbx_is_policy_op(&c->ops[i])) continue;
        if (!in_kernel_tree(c->ops[i].dst)) return -1;
        if (first == c->nops) first = i;
    }
    if (first == c->nops) return -1;
    ssize_t after = -1;
    for (size_t i = 0; i < c->nops; i++) {
        const struct dbx_op *op = &c->ops[i];
        if (dbx_is_policy_op(op)) continue;
        for (size_t j = first; j < c->nops; j++) {
            if (!dbx_is_policy_op(&c->ops[j]) || !(dbx_paths_overlap(op->dst, c->ops[j].dst) || dbx_paths_overlap(op->src, c->ops[j].dst))) continue;
            if (i > first) return -1;   // a later step touches a policy path: keep the given order
            after = (ssize_t)i;
        }
    }
    return after;   // -1 also when nothing comes first: then there is nothing to gain
}

// /newroot/NAME: one component inside the root.
static int top_level(const char *dst) {
    size_t n = sizeof newroot - 1;
    return dst && strncmp(dst, newroot, n) == 0 && dst[n] == '/' && dst[n + 1] != '\0' && !strchr(dst + n + 1, '/');
}

static int staging_mkdir(const struct dbx_op *op) {
    return op->kind == DBX_OP_MKDIR && op->dst && strncmp(op->dst, newroot, sizeof newroot - 1) != 0;
}

static int in_root(const char *path) {
    size_t n = sizeof newroot - 1;
    return path && strncmp(path, newroot, n) == 0 && (path[n] == '/' || path[n] == '\0');
}

static int touches(const struct dbx_op *op, const char *dst) {
    return dbx_paths_overlap(op->dst, dst) || dbx_paths_overlap(op->src, dst);
}


// Rough microseconds per step (--log-level debug traces on the bench
// machine): only to balance the two processes.
static unsigned cost(const struct dbx_op *op) {
    switch (op->kind) {
    case DBX_OP_OVERLAY: return 80;
    case DBX_OP_SYSFS: return 60;
    case DBX_OP_PROC: return 40;
    case DBX_OP_TMPFS: case DBX_OP_DEVPTS: case DBX_OP_MQUEUE: case DBX_OP_BIND: return 25;
    case DBX_OP_MASK: case DBX_OP_READONLY_PATH: return 12;
    case DBX_OP_MKDIR: return op->src ? 10 : 5;
    default: return 5;
    }
}

// Marks in `group` the steps of the subtree whose head (a new mount at
// /newroot/NAME) is step `head`: its staging mkdirs and, when `whole`,
// every later step at or below NAME (else PID 1 does those after waiting).
// 0 when a step outside it touches NAME before its last step, or one of
// its steps reads from inside the root or from what PID 1 makes.
static int subtree(const struct dbx_config *c, size_t root, size_t head, int whole, const unsigned char *taken, unsigned char *group) {
    const char *name = c->ops[head].dst;
    memset(group, 0, c->nops);
    size_t first = head;
    if (c->ops[head].kind == DBX_OP_OVERLAY && head >= root + 3 && staging_mkdir(&c->ops[head - 1]) && staging_mkdir(&c->ops[head - 2]))
        first = head - 2;
    size_t last = head;
    for (size_t j = first; j < c->nops; j++) {
        const struct dbx_op *op = &c->ops[j];
        if (taken[j] || dbx_is_policy_op(op)) continue;
        if (j > head && !whole) break;
        if (j >= head && !dbx_paths_overlap(op->dst, name)) continue;
        if (j >= head && strlen(op->dst) < strlen(name)) continue;  // an ancestor (the root): not ours
        if (in_root(op->src)) return 0;
        group[j] = 1;
        last = j;
    }
    for (size_t k = root + 1; k < c->nops; k++) {
        if (group[k] || taken[k]) continue;
        if (k < last && touches(&c->ops[k], name)) return 0;
        // A file or directory of PID 1's making that one of ours reads
        // (the generated /etc/hosts bound into /etc): keep the order.
        for (size_t j = first; j <= last; j++)
            if (group[j] && c->ops[j].src && dbx_paths_overlap(c->ops[k].dst, c->ops[j].src)) return 0;
    }
    return 1;
}

size_t dbx_offload_plan(const struct dbx_config *c, ssize_t policy_after, unsigned char *ops, size_t *start_after, size_t *wait_before) {
    memset(ops, 0, c->nops);
    *start_after = *wait_before = c->nops;
    size_t root = c->nops;
    for (size_t i = 0; i < c->nops && root == c->nops; i++)
        if (c->ops[i].dst && strcmp(c->ops[i].dst, newroot) == 0) root = i;
    if (root == c->nops || c->nops < 2) return 0;
    unsigned char *group = malloc(c->nops);
    if (!group) return 0;
    // What PID 1 would do alone, and what the helper has already: the
    // masks, when it lays them (policy_after, dbx_policy_start's answer).
    unsigned pid1 = 0, helper = 0;
    int policy = policy_after >= 0;
    for (size_t i = 0; i < c->nops; i++) {
        if (policy && dbx_is_policy_op(&c->ops[i])) helper += cost(&c->ops[i]);
        else pid1 += cost(&c->ops[i]);
    }
    size_t count = 0;
    for (size_t i = root + 1; i < c->nops; i++) {
        const struct dbx_op *op = &c->ops[i];
        if (ops[i] || (op->kind != DBX_OP_OVERLAY && op->kind != DBX_OP_TMPFS) || !top_level(op->dst)) continue;
        // The whole subtree, or else its mount alone (PID 1 then waits for
        // it before its own steps into it: the generated /etc/hosts).
        if (!subtree(c, root, i, 1, ops, group) && !subtree(c, root, i, 0, ops, group)) continue;
        unsigned g = 0;
        for (size_t j = 0; j < c->nops; j++) if (group[j]) g += cost(&c->ops[j]);
        // Taken only when the longer of the two gets shorter.
        unsigned before = helper > pid1 ? helper : pid1, after = helper + g > pid1 - g ? helper + g : pid1 - g;
        if (after >= before) continue;
        helper += g;
        pid1 -= g;
        for (size_t j = 0; j < c->nops; j++) ops[j] |= group[j];
        count++;
    }
    free(group);
    // Its start comes before the masks' on the same pipe.
    if (count == 0 || (policy && (size_t)policy_after < root)) {
        memset(ops, 0, c->nops);
        return 0;
    }
    *start_after = root;
    // PID 1's first own step that touches a subtree the helper builds.
    for (size_t k = root + 1; k < c->nops && *wait_before == c->nops; k++) {
        if (ops[k]) continue;
        for (size_t i = root + 1; i < c->nops; i++)
            if (ops[i] && top_level(c->ops[i].dst) && (c->ops[i].kind == DBX_OP_OVERLAY || c->ops[i].kind == DBX_OP_TMPFS) &&
                touches(&c->ops[k], c->ops[i].dst)) {
                *wait_before = k;
                break;
            }
    }
    return count;
}
