// Swift's Glibc module leaves out sys/xattr.h; the image store reads the
// opaque mark of a layer's root with lgetxattr(2).
#include <sys/xattr.h>
