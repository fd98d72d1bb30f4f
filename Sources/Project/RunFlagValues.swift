import FoundationEssentials
import OCI
import Platform

/// The values of `run`'s podman flags, as podman spells them. Pure: what
/// needs the host (a volume's directory, a device's access) is the caller's.
public enum RunFlagValues {
    /// What `-v` or `--mount` names as a source.
    public enum MountRequest: Equatable, Sendable {
        /// A host path, not yet resolved.
        case bind(RunOptions.Volume)
        /// A named volume (`-v NAME:/dst`); `name` nil is an anonymous one (`-v /dst`).
        case volume(name: String?, destination: String, readOnly: Bool)
        case tmpfs(RunOptions.Tmpfs)
    }

    /// `-v SRC:DST[:ro|rw]`, `-v NAME:DST[:ro|rw]` or `-v DST`.
    public static func volume(_ text: String) throws(PlanError) -> MountRequest {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        if parts.count == 1 {
            guard let destination = ContainerPath.clean(parts[0]), parts[0].hasPrefix("/") else { throw .badVolume(text) }
            return .volume(name: nil, destination: destination, readOnly: false)
        }
        let bind = try RunOptions.Volume.parse(text)
        guard !bind.source.contains("/"), bind.source != ".", bind.source != ".." else { return .bind(bind) }
        guard VolumeName.isValid(bind.source) else { throw .badVolumeName(bind.source) }
        return .volume(name: bind.source, destination: bind.destination, readOnly: bind.readOnly)
    }

    /// `--mount type=bind|volume|tmpfs,source=...,destination=...[,ro][,tmpfs-size=N][,tmpfs-mode=M]`.
    public static func mount(_ text: String) throws(PlanError) -> MountRequest {
        var type = "volume"  // podman's default type
        var source: String?
        var destination: String?
        var readOnly = false
        var tmpfsOptions: [String] = []
        for field in text.split(separator: ",").map(String.init) {
            let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
            let key = pair[0]
            let value = pair.count == 2 ? pair[1] : nil
            switch (key, value) {
            case ("type", let v?): type = v
            case ("source", let v?), ("src", let v?): source = v
            case ("destination", let v?), ("dst", let v?), ("target", let v?): destination = v
            case ("ro", nil), ("readonly", nil), ("ro", "true"), ("readonly", "true"): readOnly = true
            case ("ro", "false"), ("readonly", "false"), ("rw", nil): readOnly = false
            case ("tmpfs-size", let v?):
                guard let bytes = size(v) else { throw .badMount(text, reason: "tmpfs-size '\(v)' is not a size") }
                tmpfsOptions.append("size=\(bytes)")
            case ("tmpfs-mode", let v?):
                guard UInt32(v, radix: 8) != nil else { throw .badMount(text, reason: "tmpfs-mode '\(v)' is not an octal mode") }
                tmpfsOptions.append("mode=" + v)
            case ("nosuid", nil), ("nodev", nil), ("noexec", nil): tmpfsOptions.append(key)
            default: throw .badMount(text, reason: "unknown option '\(field)'")
            }
        }
        guard let destination else { throw .badMount(text, reason: "no destination (dst=/path)") }
        guard let clean = ContainerPath.clean(destination) else { throw .relativeVolumeDestination(destination) }
        switch type {
        case "bind":
            guard let source, !source.isEmpty else { throw .badMount(text, reason: "a bind needs src=PATH") }
            return .bind(RunOptions.Volume(source: source, destination: clean, readOnly: readOnly))
        case "volume":
            if let source, !VolumeName.isValid(source) { throw .badVolumeName(source) }
            return .volume(name: source, destination: clean, readOnly: readOnly)
        case "tmpfs":
            return .tmpfs(RunOptions.Tmpfs(destination: clean, options: tmpfsOptions + (readOnly ? ["ro"] : [])))
        default:
            throw .badMount(text, reason: "type '\(type)' is not bind, volume or tmpfs")
        }
    }

    /// `--tmpfs /path[:opt,opt]`: podman's defaults are rw,noexec,nosuid,nodev;
    /// the options given are added (`exec` lifts noexec).
    public static func tmpfs(_ text: String) throws(PlanError) -> RunOptions.Tmpfs {
        let colon = text.firstIndex(of: ":")
        let path = colon.map { String(text[..<$0]) } ?? text
        guard let destination = ContainerPath.clean(path) else { throw .relativeVolumeDestination(path) }
        var options = ["nosuid", "nodev", "noexec"]
        if let colon {
            for option in text[text.index(after: colon)...].split(separator: ",").map(String.init) {
                switch option {
                case "exec": options.removeAll { $0 == "noexec" }
                case "suid": options.removeAll { $0 == "nosuid" }
                case "dev": options.removeAll { $0 == "nodev" }
                case "noexec", "nosuid", "nodev", "ro", "rw":
                    if !options.contains(option) { options.append(option) }
                default:
                    let pair = option.split(separator: "=", maxSplits: 1).map(String.init)
                    guard pair.count == 2, ["size", "mode", "uid", "gid", "nr_inodes"].contains(pair[0]) else {
                        throw .badTmpfs(text, option: option)
                    }
                    if pair[0] == "size" {
                        guard let bytes = size(pair[1]) else { throw .badTmpfs(text, option: option) }
                        options.append("size=\(bytes)")
                    } else {
                        options.append(option)
                    }
                }
            }
        }
        return RunOptions.Tmpfs(destination: destination, options: options)
    }

    /// `--device HOST[:CONTAINER][:rwm]`.
    public static func device(_ text: String) throws(PlanError) -> RunOptions.Device {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...3).contains(parts.count), parts[0].hasPrefix("/") else { throw .badDevice(text) }
        var destination = parts[0]
        var permissions = "rwm"
        if parts.count == 3 {
            destination = parts[1]
            permissions = parts[2]
        } else if parts.count == 2 {
            if parts[1].hasPrefix("/") { destination = parts[1] } else { permissions = parts[1] }
        }
        guard !permissions.isEmpty, permissions.allSatisfy({ "rwm".contains($0) }),
              let clean = ContainerPath.clean(destination) else { throw .badDevice(text) }
        return RunOptions.Device(source: parts[0], destination: clean, readOnly: !permissions.contains("w"))
    }

    /// `--add-host HOST:IP` (IPv6 addresses keep their colons: the host is
    /// up to the first one) as a hosts line.
    public static func hostsLine(_ text: String) throws(PlanError) -> String {
        guard let colon = text.firstIndex(of: ":") else { throw .badAddHost(text) }
        let host = String(text[..<colon])
        var ip = String(text[text.index(after: colon)...])
        if ip.hasPrefix("[") && ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
        guard RunPlanner.isValidHostname(host), isAddress(ip) else { throw .badAddHost(text) }
        return ip + "\t" + host
    }

    /// `--dns IP`: an IPv4 or IPv6 address, nothing else (it lands in a file).
    public static func nameServer(_ text: String) throws(PlanError) -> String {
        guard isAddress(text) else { throw .badDNS(text) }
        return text
    }

    static func isAddress(_ text: String) -> Bool {
        let v4 = text.split(separator: ".", omittingEmptySubsequences: false)
        if v4.count == 4, v4.allSatisfy({ !$0.isEmpty && $0.count <= 3 && UInt8($0) != nil }) { return true }
        return text.contains(":") && text.count <= 45
            && text.allSatisfy { $0 == ":" || $0 == "." || $0.isHexDigit }
    }

    /// `--ulimit NAME=SOFT[:HARD]` (`-1` or `unlimited` for no limit).
    public static func ulimit(_ text: String) throws(PlanError) -> RuntimeSpec.Rlimit {
        let pair = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard pair.count == 2 else { throw .badUlimit(text) }
        let name = pair[0].lowercased()
        guard ulimitNames.contains(name) else { throw .badUlimit(text) }
        let values = pair[1].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(values.count) else { throw .badUlimit(text) }
        func limit(_ v: String) -> UInt64? { v == "-1" || v == "unlimited" ? UInt64.max : UInt64(v) }
        guard let soft = limit(values[0]), let hard = limit(values.count == 2 ? values[1] : values[0]), soft <= hard else {
            throw .badUlimit(text)
        }
        return RuntimeSpec.Rlimit(type: "RLIMIT_" + name.uppercased(), hard: hard, soft: soft)
    }

    static let ulimitNames: Set<String> = ["as", "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice",
                                           "nofile", "nproc", "rss", "rtprio", "rttime", "sigpending", "stack"]

    /// A size as podman takes it: bytes, or a number with b, k, m or g.
    public static func size(_ text: String) -> UInt64? {
        let lower = text.lowercased()
        let units: [(String, UInt64)] = [("kb", 1 << 10), ("mb", 1 << 20), ("gb", 1 << 30), ("k", 1 << 10), ("m", 1 << 20),
                                         ("g", 1 << 30), ("b", 1)]
        for (suffix, factor) in units where lower.hasSuffix(suffix) {
            guard let n = UInt64(lower.dropLast(suffix.count)) else { return nil }
            return n.multipliedReportingOverflow(by: factor).overflow ? nil : n * factor
        }
        return UInt64(lower)
    }

    /// `--label KEY=VAL` (or `KEY`, an empty value).
    public static func label(_ text: String) throws(PlanError) -> (key: String, value: String) {
        let pair = text.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard !pair[0].isEmpty else { throw .badLabel(text) }
        return (pair[0], pair.count == 2 ? pair[1] : "")
    }

    /// `--entrypoint`: a JSON array (`'["sh","-c"]'`), or one program; "" clears it.
    public static func entrypoint(_ text: String) -> [String] {
        if text.isEmpty { return [] }
        if text.hasPrefix("["), let array = try? JSONDecoder().decode([String].self, from: Data(text.utf8)) {
            return array
        }
        return [text]
    }

    /// `--userns`: keep-id, keep-id:uid=U,gid=G, host or nothing.
    public static func userns(_ text: String?) throws(PlanError) -> RunOptions.UserNamespaceMode {
        guard let text, !text.isEmpty, text != "host" else { return .root }
        guard text == "keep-id" || text.hasPrefix("keep-id:") else { throw .unknownUsernsMode(text) }
        var uid: UInt32?
        var gid: UInt32?
        for field in text.dropFirst("keep-id:".count).split(separator: ",") {
            let pair = field.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, let id = UInt32(pair[1]) else { throw .unknownUsernsMode(text) }
            switch pair[0] {
            case "uid": uid = id
            case "gid": gid = id
            default: throw .unknownUsernsMode(text)
            }
        }
        return .keepID(uid: uid, gid: gid)
    }
}
