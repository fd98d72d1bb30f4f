// Which overlays the command's early process may mount while PID 1 mounts
// the rest. The host image's root is a tmpfs with an overlay per top-level
// directory (/usr, /etc, /var, ...): each ~80 us of PID 1's time, most of
// its critical path, and independent of everything but the root they sit
// in. The helper (already running on the other CPU to lay the profile's
// masks) takes them, with the two mkdirs of their upper and work
// directories, once the root is mounted; PID 1 waits for them before the
// first of its own steps that touches one (/etc/resolv.conf into /etc),
// or before pivot_root. An overlay some earlier step touches stays with
// PID 1: taken out of order, that step would land on top of it, not under.
#include "internal.h"

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

// /newroot/NAME: one component inside the root.
static int top_level(const char *dst) {
    size_t n = sizeof newroot - 1;
    return dst && strncmp(dst, newroot, n) == 0 && dst[n] == '/' && dst[n + 1] != '\0' && !strchr(dst + n + 1, '/');
}

static int staging_mkdir(const struct dbx_op *op) {
    return op->kind == DBX_OP_MKDIR && op->dst && strncmp(op->dst, newroot, sizeof newroot - 1) != 0;
}

static int touches(const struct dbx_op *op, const char *dst) {
    return dbx_paths_overlap(op->dst, dst) || dbx_paths_overlap(op->src, dst);
}

size_t dbx_offload_plan(const struct dbx_config *c, unsigned char *ops, size_t *start_after, size_t *wait_before) {
    memset(ops, 0, c->nops);
    *start_after = *wait_before = c->nops;
    size_t root = c->nops;
    for (size_t i = 0; i < c->nops && root == c->nops; i++)
        if (c->ops[i].dst && strcmp(c->ops[i].dst, newroot) == 0) root = i;
    if (root == c->nops) return 0;
    size_t count = 0;
    for (size_t i = root + 1; i < c->nops; i++) {
        const struct dbx_op *op = &c->ops[i];
        if (op->kind != DBX_OP_OVERLAY || !top_level(op->dst)) continue;
        size_t first = i >= root + 3 && staging_mkdir(&c->ops[i - 1]) && staging_mkdir(&c->ops[i - 2]) ? i - 2 : i;
        int clear = 1;
        for (size_t k = root + 1; k < first && clear; k++) clear = ops[k] || !touches(&c->ops[k], op->dst);
        if (!clear) continue;
        for (size_t k = first; k <= i; k++) ops[k] = 1;
        count++;
    }
    if (count == 0) return 0;
    *start_after = root;
    for (size_t k = root + 1; k < c->nops && *wait_before == c->nops; k++) {
        if (ops[k]) continue;
        for (size_t i = root + 1; i < c->nops; i++)
            if (ops[i] && c->ops[i].kind == DBX_OP_OVERLAY && touches(&c->ops[k], c->ops[i].dst)) {
                *wait_before = k;
                break;
            }
    }
    return count;
}

size_t dbx_offload_count(const struct dbx_config *config, size_t *start_after, size_t *wait_before) {
    unsigned char *ops = malloc(config->nops ? config->nops : 1);
    if (!ops) return 0;
    size_t n = dbx_offload_plan(config, ops, start_after, wait_before);
    free(ops);
    return n;
}
