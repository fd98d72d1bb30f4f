import Containers
import OCI
import Platform

/// `devbox inspect`'s document: podman's field names, so tools written for
/// `podman inspect` read it.
struct ContainerInspection: Encodable {
    struct StateInfo: Encodable {
        var Status: String
        var Running: Bool
        var Paused = false
        var Pid: Int32
        /// The supervisor's pid (podman's name: conmon is its supervisor).
        var ConmonPid: Int32
        var ExitCode: Int32
        var Error: String
        var StartedAt: String
        var FinishedAt: String
    }

    struct ConfigInfo: Encodable {
        var Image: String
        var User: String
        var Env: [String]
        var Labels: [String: String]
        var Cmd: [String]
        var Entrypoint: [String]
        var WorkingDir: String
        var Hostname: String
        var Tty: Bool
        var OpenStdin: Bool
        var StopSignal: String
        var StopTimeout: Int
    }

    struct MountInfo: Encodable {
        var `Type`: String
        var Name: String?
        var Source: String
        var Destination: String
        var RW: Bool
        var Options: [String]
    }

    struct NetworkInfo: Encodable {
        var Ports: [String: [String]] = [:]
    }

    struct HostConfigInfo: Encodable {
        var NetworkMode: String
        var AutoRemove: Bool
    }

    var Id: String
    var Name: String
    var Created: String
    var Path: String
    var Args: [String]
    var State: StateInfo
    var Image: String
    var ImageName: String
    var RestartCount: Int
    var Config: ConfigInfo
    var Mounts: [MountInfo]
    var NetworkSettings = NetworkInfo()
    var HostConfig: HostConfigInfo
    var Project: String?

    init(_ record: ContainerRecord, status: ContainerStatus, dataDir: String) {
        let process = record.spec.process
        Id = record.id
        Name = record.name
        Created = record.created.rfc3339
        Path = process.args.first ?? ""
        Args = Array(process.args.dropFirst())
        let zero = "0001-01-01T00:00:00Z"
        State = StateInfo(Status: status.state.rawValue, Running: status.isRunning, Pid: status.isRunning ? status.pid1?.pid ?? 0 : 0,
                          ConmonPid: status.isRunning ? status.supervisor ?? 0 : 0, ExitCode: status.exitCode ?? 0, Error: status.error ?? "", StartedAt: status.startedAt?.rfc3339 ?? zero,
                      FinishedAt: status.finishedAt?.rfc3339 ?? zero)
        Image = record.imageDigest ?? ""
        ImageName = record.image ?? "host"
        RestartCount = status.restartCount
        Config = ConfigInfo(Image: record.image ?? "host", User: "\(process.user.uid):\(process.user.gid)", Env: process.env,
                       Labels: record.labels, Cmd: process.args, Entrypoint: [], WorkingDir: process.cwd,
                       Hostname: record.spec.hostname ?? "", Tty: process.terminal, OpenStdin: record.openStdin == true,
                       StopSignal: SignalName.name(record.stopSignal),
                       StopTimeout: record.stopTimeout)
        Mounts = Self.userMounts(record.spec, dataDir: dataDir)
        HostConfig = HostConfigInfo(NetworkMode: record.spec.linux.namespaces.contains { $0.type == .network } ? "none" : "host",
                           AutoRemove: record.autoRemove)
        Project = record.project
    }

    /// The mounts a user chose or cares about: the project, volumes, binds
    /// and tmpfs the user asked for; not the host root's read-only pieces
    /// or /proc, /dev and /sys.
    static func userMounts(_ spec: RuntimeSpec, dataDir: String) -> [MountInfo] {
        let volumes = dataDir + "/volumes/"
        return spec.mounts.compactMap { mount -> MountInfo? in
            let options = mount.options ?? []
            let system = ["/proc", "/dev", "/sys", "/etc/hosts", "/etc/resolv.conf", "/etc/hostname"]
            // The root (a mount at / in a planned spec) is not a volume.
            if mount.destination == "/" || system.contains(where: { mount.destination == $0 || mount.destination.hasPrefix($0 + "/") }) { return nil }
            let rw = !options.contains("ro")
            switch mount.type ?? "bind" {
            case "bind", "rbind":
                guard rw || mount.source != mount.destination else { return nil }
                let source = mount.source ?? ""
                if source.hasPrefix(volumes) {
                    let name = String(source.dropFirst(volumes.count).prefix { $0 != "/" })
                    return MountInfo(Type: "volume", Name: name, Source: source, Destination: mount.destination, RW: rw, Options: options)
                }
                return MountInfo(Type: "bind", Name: nil, Source: source, Destination: mount.destination, RW: rw, Options: options)
            case "tmpfs":
                return MountInfo(Type: "tmpfs", Name: nil, Source: "tmpfs", Destination: mount.destination, RW: rw, Options: options)
            default:
                return nil
            }
        }
    }
}

/// One row of `devbox ps --format json`, as podman's.
struct ContainerSummary: Encodable {
    var Id: String
    var Names: [String]
    var Image: String
    var ImageID: String
    var Command: [String]
    var Created: Int64
    var CreatedAt: String
    var State: String
    var Status: String
    var Pid: Int32
    var ExitCode: Int32
    var Exited: Bool
    var StartedAt: Int64
    var ExitedAt: Int64
    var Labels: [String: String]
    var Mounts: [String]
    var Project: String?

    init(_ record: ContainerRecord, status: ContainerStatus, dataDir: String) {
        Id = record.id
        Names = [record.name]
        Image = record.image ?? "host"
        ImageID = record.imageDigest ?? ""
        Command = record.spec.process.args
        Created = record.created.seconds
        CreatedAt = record.created.rfc3339
        State = status.state.rawValue
        Status = status.summary()
        Pid = status.isRunning ? status.pid1?.pid ?? 0 : 0
        ExitCode = status.exitCode ?? 0
        Exited = status.state == .exited
        StartedAt = status.startedAt?.seconds ?? 0
        ExitedAt = status.finishedAt?.seconds ?? 0
        Labels = record.labels
        Mounts = ContainerInspection.userMounts(record.spec, dataDir: dataDir).map(\.Destination)
        Project = record.project
    }
}
