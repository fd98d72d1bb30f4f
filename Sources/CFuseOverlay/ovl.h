// Internal declarations shared by the overlay's files.
#ifndef DBX_OVL_H
#define DBX_OVL_H

#define _GNU_SOURCE
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>

#define OVL_XATTR_PREFIX "user.overlay."
#define OVL_XATTR_OPAQUE "user.overlay.opaque"
#define OVL_XATTR_WHITEOUT "user.overlay.whiteout"
// A user's own user.overlay.X is stored escaped as user.overlay.overlay.X.
#define OVL_XATTR_ESCAPE "user.overlay.overlay."
#define OVL_WORK_SUBDIR "dbxfuse"
// Kernel overlay caps lowers at 500; a fixed bound keeps lookups allocation-free.
#define OVL_MAX_LAYERS 128

// One layer's directory merged into an overlay directory.
struct ovl_ldir {
    int fd;     // O_PATH fd of the real directory
    int layer;  // 0 = upper, i >= 1 = lowers[i - 1]
    bool xwh;   // opaque value "x": may hold xattr whiteouts (kernel >= 6.7)
};

struct ovl_node {
    struct ovl_node *hnext;
    // Identity of the backing file (top-most layer that shows it); hard links
    // share a node because they share this.
    dev_t dev;
    ino_t ino;
    uint64_t nlookup;  // the kernel's references (lookup/forget protocol)
    uint64_t refs;     // ours: children's parent pointers, open handles, ops
    // A name this node was last reached by, for copy-up of lower objects.
    struct ovl_node *parent;
    char *name;
    mode_t type;       // S_IFMT bits
    // Top-most backing file. For directories this is dirs[0].
    int fd;
    int layer;
    // Directories: every layer's directory merged here, top-most first
    // (stops at an opaque one). Only grows (copy-up prepends the upper one),
    // so fds read under the table lock stay valid while the node is held.
    struct ovl_ldir *dirs;
    int ndirs;
    int old_fd;        // the lower fd a copy-up replaced: closed with the node,
                       // since another thread may still be using it
    // Regular files: the fd reads and writes go through (iofd.c), opened on
    // first use in io_layer; io_old is the one it replaced (closed with the
    // node, like old_fd).
    int io_fd, io_old, io_layer;
    bool io_rw;
    pthread_mutex_t cu;  // serialises copy-up of this node
};

struct ovl_fs {
    int nlayers;      // 1 + nlowers
    int *root_fds;    // [0] upper, [i] lowers[i-1]
    int work_fd;      // work/dbxfuse
    dev_t upper_dev;
    bool squash;
    uid_t overflow_uid;
    gid_t overflow_gid;
    bool debug;
    int io_count, io_max;  // nodes holding an io_fd, and the bound on them
    double timeout;
    // Node table: hash of (dev, ino). Also guards nlookup/refs/parent/name/
    // dirs/fd/layer of every node.
    pthread_mutex_t lock;
    struct ovl_node **htab;
    size_t hsize, hcount;
    struct ovl_node *root;
    // Held across each namespace change of the upper (create, remove,
    // rename, the final rename of a copy-up) so that two changes of one name
    // cannot interleave; never while copying data.
    pthread_mutex_t tree;
    uint64_t tmp_seq;
};

// An open directory handle (files have none: iofd.c).
struct ovl_file {
    struct ovl_dirlist *list;  // the merged listing, built on first read
};

// Result of resolving a name in a merged directory.
struct ovl_res {
    bool found;
    bool upper_whiteout;  // the upper layer has a whiteout at the name
    bool lower_positive;  // some lower layer shows the name (only if asked)
    struct stat st;       // of the top-most backing file
    int fd;               // O_PATH of it (owned until handed to a node)
    int layer;
    struct ovl_ldir dirs[OVL_MAX_LAYERS];
    int ndirs;
};

// util.c
int ovl_proc_path(char *buf, size_t size, int fd);
int ovl_is_whiteout(int dirfd, const char *name, const struct stat *st, bool xwh);
int ovl_opaque_value(int fd);  // 'y', 'x' or 0
int ovl_mk_whiteout(struct ovl_fs *fs, int dirfd, const char *name, int upperdirfd_for_x);
int ovl_tmpname(struct ovl_fs *fs, char *buf, size_t size);
int ovl_rm_tree(int dirfd, const char *name);
bool ovl_private_xattr(const char *name);
bool ovl_escaped_xattr(const char *name);
int ovl_open_noatime(const char *path, int flags, bool noatime);
void ovl_log(struct ovl_fs *fs, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void ovl_thread_init(void);

// inodes.c
struct ovl_node *ovl_node(struct ovl_fs *fs, fuse_ino_t ino);
int ovl_resolve(struct ovl_fs *fs, struct ovl_node *dir, const char *name, bool want_lower, struct ovl_res *r);
void ovl_res_release(struct ovl_res *r);
struct ovl_node *ovl_node_get(struct ovl_fs *fs, struct ovl_node *parent, const char *name, struct ovl_res *r);
void ovl_node_ref(struct ovl_fs *fs, struct ovl_node *n);
void ovl_node_unref(struct ovl_fs *fs, struct ovl_node *n);
void ovl_forget_one(struct ovl_fs *fs, struct ovl_node *n, uint64_t nlookup);
void ovl_node_rekey(struct ovl_fs *fs, struct ovl_node *n, int fd, const struct stat *st);
void ovl_node_rename(struct ovl_fs *fs, struct ovl_node *n, struct ovl_node *parent, const char *name);
int ovl_node_dirs(struct ovl_fs *fs, struct ovl_node *n, struct ovl_ldir *out);
int ovl_upper_dirfd(struct ovl_fs *fs, struct ovl_node *n);
int ovl_node_stat(struct ovl_fs *fs, struct ovl_node *n, struct stat *st);
void ovl_fix_stat(struct ovl_fs *fs, struct stat *st, int ndirs_lower);
int ovl_lookup_entry(struct ovl_fs *fs, struct ovl_node *dir, const char *name, struct fuse_entry_param *e);
void ovl_table_init(struct ovl_fs *fs);
void ovl_table_free(struct ovl_fs *fs);

// copyup.c
int ovl_copy_up(struct ovl_fs *fs, struct ovl_node *n, const struct fuse_ctx *ctx, bool data);
int ovl_copy_attrs(struct ovl_fs *fs, int srcfd, const struct stat *st, int dirfd, const char *name, int fd, const struct fuse_ctx *ctx);
int ovl_set_owner(struct ovl_fs *fs, int fd, int updirfd, const struct fuse_ctx *ctx, mode_t mode);

// dirs.c
struct ovl_dirent {
    char *name;
    ino_t ino;
    unsigned char type;
};
struct ovl_dirlist {
    struct ovl_dirent *ents;
    size_t n, cap;
};
int ovl_dir_list(struct ovl_fs *fs, struct ovl_node *dir, struct ovl_ldir *dirs, int ndirs, struct ovl_dirlist **out, bool stop_at_first);
void ovl_dirlist_free(struct ovl_dirlist *l);
int ovl_dir_empty(struct ovl_fs *fs, struct ovl_ldir *dirs, int ndirs);
int ovl_clear_whiteouts(int dirfd);

// iofd.c
void ovl_node_fds_init(struct ovl_node *n);
void ovl_node_fds_close(struct ovl_fs *fs, struct ovl_node *n);
int ovl_io_fd(fuse_req_t req, struct ovl_node *n, bool write, bool *transient);
void ovl_io_adopt(struct ovl_fs *fs, struct ovl_node *n, int fd);
// ops_file.c
int ovl_create_flags(int flags);
// ops_dir.c
typedef int (*ovl_make_fn)(int dirfd, const char *name, void *arg);
int ovl_create_common(fuse_req_t req, struct ovl_node *dir, const char *name, mode_t mode, ovl_make_fn make, void *arg, bool set_owner, struct fuse_entry_param *e);
int ovl_create_tmpfile(fuse_req_t req, struct ovl_node *dir, mode_t mode, int flags, int *fd_out, struct fuse_entry_param *e);
// The kernel's FUSE_TMPFILE (Linux 6.1+) has no operation in libfuse 3.14:
// serve.c hands it on as a FUSE_CREATE (the same request and reply) of this
// name, which no real name can be.
#define OVL_TMPFILE_NAME "/"

// ops_*.c: the fuse_lowlevel_ops members, wired in serve.c
void ovl_op_init(void *userdata, struct fuse_conn_info *conn);
void ovl_op_lookup(fuse_req_t req, fuse_ino_t parent, const char *name);
void ovl_op_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup);
void ovl_op_forget_multi(fuse_req_t req, size_t count, struct fuse_forget_data *forgets);
void ovl_op_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *attr, int to_set, struct fuse_file_info *fi);
void ovl_op_readlink(fuse_req_t req, fuse_ino_t ino);
void ovl_op_statfs(fuse_req_t req, fuse_ino_t ino);
void ovl_op_access(fuse_req_t req, fuse_ino_t ino, int mask);
void ovl_op_setxattr(fuse_req_t req, fuse_ino_t ino, const char *name, const char *value, size_t size, int flags);
void ovl_op_getxattr(fuse_req_t req, fuse_ino_t ino, const char *name, size_t size);
void ovl_op_listxattr(fuse_req_t req, fuse_ino_t ino, size_t size);
void ovl_op_removexattr(fuse_req_t req, fuse_ino_t ino, const char *name);
void ovl_op_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, dev_t rdev);
void ovl_op_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode);
void ovl_op_symlink(fuse_req_t req, const char *link, fuse_ino_t parent, const char *name);
void ovl_op_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent, const char *newname);
void ovl_op_unlink(fuse_req_t req, fuse_ino_t parent, const char *name);
void ovl_op_rmdir(fuse_req_t req, fuse_ino_t parent, const char *name);
void ovl_op_rename(fuse_req_t req, fuse_ino_t parent, const char *name, fuse_ino_t newparent, const char *newname, unsigned int flags);
void ovl_op_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode, struct fuse_file_info *fi);
void ovl_op_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void ovl_op_write_buf(fuse_req_t req, fuse_ino_t ino, struct fuse_bufvec *bufv, off_t off, struct fuse_file_info *fi);
void ovl_op_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_fsync(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);
void ovl_op_fallocate(fuse_req_t req, fuse_ino_t ino, int mode, off_t off, off_t len, struct fuse_file_info *fi);
void ovl_op_lseek(fuse_req_t req, fuse_ino_t ino, off_t off, int whence, struct fuse_file_info *fi);
void ovl_op_copy_file_range(fuse_req_t req, fuse_ino_t ino_in, off_t off_in, struct fuse_file_info *fi_in, fuse_ino_t ino_out, off_t off_out, struct fuse_file_info *fi_out, size_t len, int flags);
void ovl_op_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void ovl_op_readdirplus(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off, struct fuse_file_info *fi);
void ovl_op_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi);
void ovl_op_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync, struct fuse_file_info *fi);

static inline struct ovl_fs *ovl_fs(fuse_req_t req) { return fuse_req_userdata(req); }

#endif
