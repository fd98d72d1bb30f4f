public enum PlanError: Error, Equatable, CustomStringConvertible {
    case emptyCommand
    case badVolume(String)
    case relativeVolumeDestination(String)
    case missingVolumeSource(String)
    case relativeWorkdir(String)
    case badHostname(String)
    case unknownImageUser(String)
    case unmappedUser(UInt32)
    case noImageCommand(String)
    case profile(String)
    case unknownCapability(String)
    case unknownSecurityOption(String)
    case unreadableSeccompFile(String)
    case badSeccompFile(String, reason: String)
    case badEnvironment(String, source: String)
    case unreadableEnvFile(String)
    case unknownUsernsMode(String)
    case badVolumeName(String)
    case badMount(String, reason: String)
    case badTmpfs(String, option: String)
    case badDevice(String)
    case inaccessibleDevice(String, reason: String)
    case badAddHost(String)
    case badDNS(String)
    case badUlimit(String)
    case badLabel(String)
    case badShmSize(String)
    /// `--gui` with no display to share.
    case noDisplay
    case unknownUser(String, where: String)
    case badUser(String)
    case volume(String)

    public var description: String {
        switch self {
        case .emptyCommand:
            return "no command given; usage: devbox run [OPTIONS] -- COMMAND [ARG...]"
        case .badVolume(let text):
            return "invalid volume '\(text)'; use SRC:DST or SRC:DST:ro"
        case .relativeVolumeDestination(let dst):
            return "volume destination '\(dst)' must be an absolute path inside the container, not / and without '..' above /; write it as /path/in/container"
        case .missingVolumeSource(let src):
            return "volume source '\(src)' does not exist; create it first or fix the path"
        case .relativeWorkdir(let dir):
            return "working directory '\(dir)' is not an absolute path"
        case .unknownImageUser(let name):
            return "user or group '\(name)' is not in the image's /etc/passwd or /etc/group; use a numeric uid:gid"
        case .unmappedUser(let uid):
            return "uid \(uid) is not mapped into the container; add a range to /etc/subuid and /etc/subgid (see `devbox doctor`) or run as another user"
        case .noImageCommand(let image):
            return "image '\(image)' has no Entrypoint or Cmd; give a command after --"
        case .profile(let message):
            return message
        case .unknownCapability(let name):
            return "unknown capability '\(name)'; use names such as CAP_NET_BIND_SERVICE or net_bind_service"
        case .badHostname(let name):
            return "invalid hostname '\(name)'; use letters, digits, '-' and '.', at most 64 characters"
        case .unknownSecurityOption(let value):
            return "unknown --security-opt '\(value)'; use seccomp=unconfined, seccomp=FILE or no-new-privileges"
        case .unreadableSeccompFile(let path):
            return "cannot read seccomp profile '\(path)'; check the path"
        case .badSeccompFile(let path, let reason):
            return "\(path) is not a Docker/OCI seccomp profile: \(reason)"
        case .badEnvironment(let entry, let source):
            return "\(source): invalid environment variable '\(entry)': the name must be non-empty and contain no '=' or NUL; write KEY=VALUE or KEY"
        case .unreadableEnvFile(let path):
            return "cannot read env file '\(path)'; check the path"
        case .unknownUsernsMode(let mode):
            return "unknown --userns mode '\(mode)'; use keep-id, keep-id:uid=U,gid=G or leave it out"
        case .badVolumeName(let name):
            return "invalid volume name '\(name)'; use letters, digits, '_', '.' and '-', starting with a letter or digit"
        case .badMount(let text, let reason):
            return "invalid --mount '\(text)': \(reason); write type=bind|volume|tmpfs,src=SRC,dst=DST[,ro]"
        case .badTmpfs(let text, let option):
            return "invalid --tmpfs '\(text)': unknown option '\(option)'; use PATH[:size=64m,mode=1777,noexec,ro]"
        case .badDevice(let text):
            return "invalid --device '\(text)'; use /dev/HOST[:/dev/CONTAINER][:rwm]"
        case .inaccessibleDevice(let path, let reason):
            return "cannot use device \(path): \(reason)"
        case .badAddHost(let text):
            return "invalid --add-host '\(text)'; use HOST:IP, such as db:10.0.0.2"
        case .badDNS(let text):
            return "invalid --dns '\(text)'; give an IP address, such as 1.1.1.1"
        case .badUlimit(let text):
            return "invalid --ulimit '\(text)'; use NAME=SOFT[:HARD] with a name such as nofile, nproc or core"
        case .badLabel(let text):
            return "invalid --label '\(text)'; use KEY=VALUE"
        case .badShmSize(let text):
            return "invalid --shm-size '\(text)'; use a size such as 64m or 1g"
        case .noDisplay:
            return "--gui: no display to share (DISPLAY with /tmp/.X11-unix, or WAYLAND_DISPLAY naming a socket); run it from your desktop session"
        case .unknownUser(let name, let place):
            return "user or group '\(name)' is not in \(place); use a numeric uid[:gid] or a name that exists there"
        case .volume(let message):
            return message
        case .badUser(let text):
            return "invalid --user '\(text)'; use USER[:GROUP], names or numeric ids"
        }
    }

    /// The user's input is wrong (a flag, a file the user named): exit 2,
    /// fixed by changing the command line. The rest are devbox or the
    /// image failing before the command ran (125).
    public var isUsageError: Bool {
        switch self {
        case .unknownImageUser, .unmappedUser, .noImageCommand, .inaccessibleDevice, .volume: return false
        default: return true
        }
    }
}

extension RunOptions.Volume {
    /// `SRC:DST[:ro|:rw]`; relative sources are resolved by the caller.
    public static func parse(_ text: String) throws(PlanError) -> RunOptions.Volume {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw .badVolume(text)
        }
        var readOnly = false
        if parts.count == 3 {
            switch parts[2] {
            case "ro": readOnly = true
            case "rw": readOnly = false
            default: throw .badVolume(text)
            }
        }
        guard let destination = ContainerPath.clean(parts[1]) else { throw .relativeVolumeDestination(parts[1]) }
        return RunOptions.Volume(source: parts[0], destination: destination, readOnly: readOnly)
    }
}
