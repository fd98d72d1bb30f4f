import OCI
import Runtime
#if canImport(Glibc)
import Glibc
#endif

/// What each lifecycle verb of `devbox oci` does, reached from the fast
/// parser and from ArgumentParser's commands alike.
extension OCIArguments {
    func execute() -> Never {
        let runtime = OCIOptions.runtime(root: root, debug: debug)
        switch verb {
        case .create:
            ociOperation { () throws(OCIError) in
                _ = try runtime.create(id: id, options: .init(bundle: bundle, pidFile: pidFile, consoleSocket: consoleSocket))
            }
        case .start:
            ociOperation { () throws(OCIError) in try runtime.start(id: id) }
        case .state:
            let record = ociOperation { () throws(OCIError) in try runtime.store.load(id) }
            do { print(try jsonText(runtime.store.state(record))) } catch { fail("cannot encode the state of '\(id)': \(error)") }
        case .kill:
            guard let number = SignalName.number(signal) else {
                fail("unknown signal '\(signal)': use a name such as TERM, KILL, HUP or a number", code: ExitStatus.usage)
            }
            ociOperation { () throws(OCIError) in try runtime.kill(id: id, signal: number) }
        case .delete:
            ociOperation { () throws(OCIError) in try runtime.delete(id: id, force: force) }
        case .run:
            let status = ociOperation { () throws(OCIError) in
                try runtime.run(id: id, options: .init(bundle: bundle, pidFile: pidFile, consoleSocket: consoleSocket, detach: detach))
            }
            exit(status)
        }
        exit(0)
    }
}
