// libfuse 3.14's low-level API. 312 selects fuse_session_loop_mt_312 and
// fuse_loop_cfg_*, the newest loop configuration that version has.
#ifndef FUSE_USE_VERSION
#define FUSE_USE_VERSION 312
#endif
#include <fuse_lowlevel.h>
