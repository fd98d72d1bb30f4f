import CSandbox
import FoundationEssentials
import OCI
#if canImport(Glibc)
import Glibc
#endif

/// Runs a lifecycle hook list (config.md#posix-platform-hooks): each hook
/// gets the state document on stdin; the first failure stops the list.
public enum OCIHooks {
    public static func run(_ hooks: [RuntimeSpec.Hook]?, name: String, state: ContainerState, bundle: String) throws(OCIError) {
        guard let hooks, !hooks.isEmpty else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let input = (try? encoder.encode(state)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
        let here = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        defer {
            if here >= 0 { _ = fchdir(here); close(here) }
        }
        // runc runs hooks in the bundle directory.
        _ = chdir(bundle)
        for hook in hooks {
            let strings = CStrings()
            let argv = strings.array(hook.args ?? [hook.path])
            let envp = strings.array(hook.env ?? [])
            var err = [CChar](repeating: 0, count: 512)
            let status = withExtendedLifetime(strings) {
                dbx_run_hook(hook.path, argv, envp, input, Int32(clamping: hook.timeout ?? 0), &err, err.count)
            }
            if status < 0 { throw .hook("\(name) hook: " + String(cBuffer: err)) }
            if status != 0 { throw .hook("\(name) hook \(hook.path) failed with exit status \(status)") }
        }
    }
}
