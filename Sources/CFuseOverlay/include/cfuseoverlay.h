// PLACEHOLDER until the branch `fuse` lands: the API the FUSE overlay exports.
#ifndef CFUSEOVERLAY_H
#define CFUSEOVERLAY_H
struct dbx_fuse_overlay_config {
    const char *const *lowers;
    int nlowers;
    const char *upper;
    const char *work;
    int squash_to_root;
    int threads;
    int debug;
};
int dbx_fuse_overlay_serve(int fuse_fd, const struct dbx_fuse_overlay_config *config);
#endif
