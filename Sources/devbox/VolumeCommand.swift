import ArgumentParser
import Containers
import ImageStore
import Platform
import Project

/// `devbox volume create|ls|inspect|rm|prune`: named volumes under the
/// data directory (VolumeStore), mounted with `-v NAME:/path`.
struct VolumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "volume", abstract: "Create, list, inspect and remove named volumes.",
        subcommands: [Create.self, List.self, Inspect.self, Remove.self, Prune.self])

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "create", abstract: "Create a volume (a random name if none is given).")
        @OptionGroup var global: GlobalOptions
        @Option(help: ArgumentHelp("Attach a label.", valueName: "KEY=VAL")) var label: [String] = []
        @Argument(help: "The volume's name.") var name: String?

        func run() throws {
            var labels: [String: String] = [:]
            for text in label {
                do throws(PlanError) {
                    let pair = try RunFlagValues.label(text)
                    labels[pair.key] = pair.value
                } catch {
                    fail(error, code: ExitStatus.usage)
                }
            }
            do throws(VolumeError) {
                print(try store(global).create(name, labels: labels).name)
            } catch {
                fail(error, code: volumeExitCode(error))
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List volumes.", aliases: ["list"])
        @OptionGroup var global: GlobalOptions
        @Option(help: "Output format: table or json.") var format: OutputFormat = .table
        @Flag(name: .shortAndLong, help: "Print only the names.") var quiet = false

        func run() throws {
            let volumes = store(global).list()
            if quiet {
                for volume in volumes { print(volume.name) }
                return
            }
            switch format {
            case .json:
                print(try jsonText(volumes.map { VolumeSummary($0, store: store(global)) }))
            case .table:
                print(table([["NAME", "CREATED"]] + volumes.map { [$0.name, $0.created] }))
            }
        }
    }

    struct Inspect: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "inspect", abstract: "Show volumes as JSON.")
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Volume names.", completion: .custom(DynamicCompletion.volumes)) var names: [String]

        func run() throws {
            let volumes = store(global)
            var found: [VolumeSummary] = []
            for name in names {
                do throws(VolumeError) {
                    found.append(VolumeSummary(try volumes.inspect(name), store: volumes))
                } catch {
                    fail(error, code: volumeExitCode(error))
                }
            }
            print(try jsonText(found))
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove volumes.", aliases: ["remove"])
        @OptionGroup var global: GlobalOptions
        @Flag(name: .shortAndLong, help: "Also remove the stopped containers that use them (a running container's volume is still refused).") var force = false
        @Argument(help: "Volume names.", completion: .custom(DynamicCompletion.volumes)) var names: [String]

        func run() throws {
            let volumes = store(global)
            let host = HostFacts.current(dataRoot: global.dataRoot)
            let containers = ContainerCreation.store(dataRoot: global.dataRoot)
            for name in names {
                // As podman: a volume a container still names (running or
                // not) stays, unless --force takes those containers too.
                let users = containers.all().filter { $0.volumes.contains(name) }
                if !users.isEmpty {
                    if !force || users.contains(where: { containers.status($0.id).isRunning }) {
                        fail("volume \(name) is used by container \(users.map(\.name).joined(separator: ", ")); remove "
                             + (force ? "or stop it first" : "it first or use --force"), code: ExitStatus.error)
                    }
                    for user in users { ContainerRemoval.remove(user, store: containers) }
                }
                do throws(VolumeError) {
                    try volumes.remove(name) { ThrowawayLayers.remove($0, host: host) }
                    print(name)
                } catch {
                    fail(error, code: volumeExitCode(error))
                }
            }
        }
    }

    struct Prune: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "prune", abstract: "Remove every volume no container uses.")
        @OptionGroup var global: GlobalOptions
        @Flag(name: .shortAndLong, help: "Accepted for podman compatibility (prune does not ask).") var force = false

        func run() throws {
            let volumes = store(global)
            let host = HostFacts.current(dataRoot: global.dataRoot)
            for volume in volumes.list() {
                // A container that names it, stopped or not, keeps it.
                if ContainerCreation.store(dataRoot: global.dataRoot).all().contains(where: { $0.volumes.contains(volume.name) }) { continue }
                do throws(VolumeError) {
                    try volumes.remove(volume.name) { ThrowawayLayers.remove($0, host: host) }
                    print(volume.name)
                } catch .inUse {
                    continue
                } catch {
                    fail(error)
                }
            }
        }
    }
}

/// `volume ls --format json` and `volume inspect`: the record and where it lives.
struct VolumeSummary: Encodable {
    var name: String
    var created: String
    var labels: [String: String]
    var anonymous: Bool
    var mountpoint: String

    init(_ record: VolumeRecord, store: VolumeStore) {
        name = record.name
        created = record.created
        labels = record.labels
        anonymous = record.anonymous
        mountpoint = store.dataPath(record.name)
    }
}

private func store(_ global: GlobalOptions) -> VolumeStore {
    VolumeStore(dataDir: DataPaths.currentData(root: global.dataRoot))
}

/// A name that is wrong or unknown is the user's to fix (exit 1, as every
/// command but run reports errors); devbox failing to write is too.
private func volumeExitCode(_ error: VolumeError) -> Int32 {
    switch error {
    case .badName: return ExitStatus.usage
    default: return ExitStatus.error
    }
}
