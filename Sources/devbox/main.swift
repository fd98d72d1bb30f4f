// The entry point stays synchronous: the sandbox is started from this very
// process, and the kernel refuses a new user namespace to a process that has
// more than one thread (Dispatch, async/await and Foundation.Process all
// start some). See docs/ARCHITECTURE.md.
Devbox.main()
