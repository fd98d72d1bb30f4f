// libfuse3's low-level API (the FUSE overlay). The version must be set
// before the header is read.
#define FUSE_USE_VERSION 312
#include <fuse_lowlevel.h>
