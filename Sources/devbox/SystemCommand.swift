import ArgumentParser
import Containers
import ImageStore
import Platform
#if canImport(Glibc)
import Glibc
#endif

struct SystemCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "system", abstract: "Disk use and clean-up of containers, environments, volumes and images.",
        subcommands: [DiskUsageCommand.self, SystemPruneCommand.self])

    struct DiskUsageCommand: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "df", abstract: "Show the disk space devbox uses.")
        @OptionGroup var global: GlobalOptions
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table

        struct Row: Encodable {
            var type: String
            var total: Int
            var active: Int
            var size: Int64
            var reclaimable: Int64
        }

        func run() throws {
            let store = ContainerCreation.store(dataRoot: global.dataRoot)
            let images = StoreAccess.open(dataRoot: global.dataRoot).images()
            let containers = store.all()
            let leftovers = SystemCleanup.leftoverLayers(store)
            var rows: [Row] = []
            rows.append(Row(type: "Images", total: images.count, active: 0, size: images.reduce(0) { $0 + $1.size }, reclaimable: 0))
            var containerSize: Int64 = 0, reclaim: Int64 = 0, running = 0
            for record in containers {
                let size = SystemCleanup.bytes(store.directory(record.id)) + (record.launch.ownedDirectory.map(SystemCleanup.bytes) ?? 0)
                containerSize += size
                if store.status(record.id).isRunning { running += 1 } else if SystemCleanup.prunable(record, store: store, all: false) { reclaim += size }
            }
            rows.append(Row(type: "Containers", total: containers.count, active: running, size: containerSize, reclaimable: reclaim))
            let leftoverSize = leftovers.reduce(Int64(0)) { $0 + SystemCleanup.bytes($1) }
            rows.append(Row(type: "Leftover layers", total: leftovers.count, active: 0, size: leftoverSize, reclaimable: leftoverSize))
            let volumes = VolumeStore(dataDir: store.dataDir).list()
            let volumeSize = volumes.reduce(Int64(0)) { $0 + SystemCleanup.bytes(VolumeStore(dataDir: store.dataDir).directory($1.name)) }
            rows.append(Row(type: "Volumes", total: volumes.count, active: 0, size: volumeSize, reclaimable: 0))
            switch format {
            case .json: print(try jsonText(rows))
            case .table:
                var lines = [["TYPE", "TOTAL", "ACTIVE", "SIZE", "RECLAIMABLE"]]
                for row in rows {
                    lines.append([row.type, String(row.total), String(row.active), ByteCount.string(row.size), ByteCount.string(row.reclaimable)])
                }
                print(table(lines))
                for dir in leftovers { print("leftover: \(dir)") }
            }
        }
    }

    struct SystemPruneCommand: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "prune",
            abstract: "Remove stopped containers, environments of deleted projects and leftover layers.",
            discussion: "Project environments whose project still exists are kept unless --all; named volumes are kept; image content is freed by `devbox image prune`.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .shortAndLong, help: "Also remove stopped environments of projects that still exist (their installed packages go).")
        var all = false
        @Flag(name: .shortAndLong, help: "Do not ask (required when stdin is not a terminal).") var force = false

        func run() throws {
            let store = ContainerCreation.store(dataRoot: global.dataRoot)
            let doomed = store.all().filter { SystemCleanup.prunable($0, store: store, all: all) }
            let leftovers = SystemCleanup.leftoverLayers(store)
            if !force {
                guard isatty(0) != 0 else {
                    throw ValidationError("system prune removes \(doomed.count) containers and \(leftovers.count) leftover layers; add --force to confirm")
                }
                Swift.print("Remove \(doomed.count) stopped containers and \(leftovers.count) leftover layers? [y/N] ", terminator: "")
                guard readLine()?.lowercased().hasPrefix("y") == true else { return }
            }
            var freed: Int64 = 0
            for record in doomed {
                guard let lock = try ContainerLock(store.lockPath(record.id), wait: false) else { continue }
                defer { lock.release() }
                guard !store.status(record.id).isRunning else { continue }
                freed += SystemCleanup.bytes(store.directory(record.id)) + (record.launch.ownedDirectory.map(SystemCleanup.bytes) ?? 0)
                ContainerRemoval.remove(record, store: store)
                Swift.print("removed container \(record.name)")
            }
            for dir in leftovers {
                freed += SystemCleanup.bytes(dir)
                ContainerRemoval.removeTree(dir, store: store)
                Swift.print("removed \(dir)")
            }
            Swift.print("freed \(ByteCount.string(freed))")
        }
    }
}

/// What `system df` counts and `system prune` removes.
enum SystemCleanup {
    /// Stopped containers: named ones always; a project's environment only
    /// when its project directory is gone, or with --all.
    static func prunable(_ record: ContainerRecord, store: ContainerStore, all: Bool) -> Bool {
        guard !store.status(record.id).isRunning else { return false }
        guard record.projectEnvironment else { return true }
        return all || !(record.project.map(FileSystem.isDirectory) ?? false)
    }

    /// Environment layers under containers/ that no container owns: left by
    /// versions before environments were containers, or by an image whose
    /// tag moved on (each image digest has its own layer).
    static func leftoverLayers(_ store: ContainerStore) -> [String] {
        let owned = Set(store.all().compactMap { $0.launch.ownedDirectory })
        return FileSystem.list(store.recordsRoot).filter { name in
            !name.hasSuffix(".removing") && name.utf8.count != 64 && !owned.contains(store.recordsRoot + "/" + name)
                && FileSystem.isDirectory(store.recordsRoot + "/" + name + "/upper")
        }.map { store.recordsRoot + "/" + $0 }
    }

    static func bytes(_ path: String) -> Int64 { DiskUsage.bytes(path) }
}
