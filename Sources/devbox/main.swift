import CSandbox
import Project

// The entry point stays synchronous: the sandbox is started from this very
// process, and the kernel refuses a new user namespace to a process that has
// more than one thread (Dispatch, async/await and Foundation.Process all
// start some). See docs/ARCHITECTURE.md.
//
// `devbox run`, `exec` and the `oci` lifecycle verbs with ordinary
// arguments skip ArgumentParser (see RunArguments, ExecArguments,
// OCIArguments); everything else, including every error, goes through it.
let arguments = CommandLine.arguments
if arguments.first == "devbox-userns" {
    dbx_holder_idle(Int32(arguments.dropFirst().first ?? "") ?? 300, arguments.count > 2 ? arguments[2] : nil)
}
if arguments.first == "devbox-supervise" {
    Supervisor.main(Array(arguments.dropFirst()))
}
if arguments.count > 2, arguments[1] == "exec", let exec = ExecArguments.parse(Array(arguments.dropFirst(2))) {
    ExecInvocation.execute(exec)
}
if arguments.count > 2, arguments[1] == "oci", let oci = OCIArguments.parse(Array(arguments.dropFirst(2))) {
    oci.execute()
}
if arguments.count > 2, arguments[1] == "run", let run = RunArguments.parse(Array(arguments.dropFirst(2))) {
    RunInvocation.execute(run)
}
Devbox.mainWithExitTable()
