import Containers
import ImageStore
import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// What the shell completions ask the binary at completion time (bash, zsh
/// and fish call `devbox ---completion ...`): the names that exist now.
/// Each reads the store the command line names with `--root`, else the
/// default one, and never fails: a completion that errors is just empty.
enum DynamicCompletion {
    @Sendable static func containers(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let store = ContainerStore(dataDir: DataPaths.currentData(root: root(in: words)),
                                   runtimeDir: DataPaths.runtime(environment: ProcessEnvironment.current(), uid: getuid()))
        return store.all().map(\.name).filter { $0.hasPrefix(prefix) }.sorted()
    }

    @Sendable static func images(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let store = ImageStore(root: DataPaths.currentData(root: root(in: words)))
        return Set(store.images().map(\.reference)).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// `devbox run WORD`: an image, or one of the project's tasks.
    @Sendable static func imagesAndTasks(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        tasks(words, index, prefix) + images(words, index, prefix)
    }

    @Sendable static func tasks(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let host = HostFacts.current(dataRoot: root(in: words))
        guard let project = try? ProjectSelection.resolve(value(of: "--project", in: words), host: host),
              let definition = try? ProjectDefinitions.loadThrowing(project, configFile: value(of: "--config", in: words), host: host)
        else { return [] }
        return definition.tasks.map(\.name).filter { $0.hasPrefix(prefix) }
    }

    @Sendable static func profiles(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        ProfileCommand.resolver().available().filter { $0.ignored == nil }.map(\.name).filter { $0.hasPrefix(prefix) }
    }

    @Sendable static func volumes(_ words: [String], _ index: Int, _ prefix: String) -> [String] {
        let directory = DataPaths.currentData(root: root(in: words)) + "/volumes"
        return FileSystem.list(directory).filter { $0.hasPrefix(prefix) && !$0.hasPrefix(".") }.sorted()
    }

    static func root(in words: [String]) -> String? { value(of: "--root", in: words) }

    /// `--flag VALUE` or `--flag=VALUE`, the last one given.
    static func value(of flag: String, in words: [String]) -> String? {
        var found: String?
        for (i, word) in words.enumerated() {
            if word == flag, i + 1 < words.count { found = words[i + 1] }
            if word.hasPrefix(flag + "=") { found = String(word.dropFirst(flag.count + 1)) }
        }
        return found
    }
}
