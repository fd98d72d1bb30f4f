// devbox's own file pages, mapped one by one. A fault on a file mapping
// reads ahead (up to 128 KiB) and maps what is cached around the address
// (64 KiB): a short-lived 19 MB binary that runs a few hundred scattered
// functions ends up with whole windows of code it never runs in its RSS.
// MADV_RANDOM turns both off for the executable's own segments, so a cold
// start reads and maps the pages it touches, and later starts map little
// more than those (what is cached is what earlier starts touched). The cost
// is one madvise per start and smaller reads on a cold page cache.
#define _GNU_SOURCE
#include <link.h>
#include <stdint.h>
#include <sys/mman.h>
#include <unistd.h>

static int advise_segments(struct dl_phdr_info *info, size_t size, void *data) {
    (void)size;
    (void)data;
    // The first object is the executable itself (devbox is linked static).
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    for (int i = 0; i < info->dlpi_phnum; i++) {
        const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
        if (ph->p_type != PT_LOAD)
            continue;
        uintptr_t start = (info->dlpi_addr + ph->p_vaddr) & ~(page - 1);
        uintptr_t end = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
        madvise((void *)start, end - start, MADV_RANDOM);
    }
    return 1;
}

__attribute__((constructor(101))) static void dbx_advise_own_pages(void) {
    dl_iterate_phdr(advise_segments, NULL);
}
