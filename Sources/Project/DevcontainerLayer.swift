import Platform

/// One source of the settings an image's `devcontainer.metadata` label may
/// also carry: the devcontainer.json itself, or one entry of the label.
/// Layers are laid over a definition one after another, by the spec's merge
/// rules (devcontainer-reference.md, "Merge logic"; the CLI's
/// mergeConfiguration in src/spec-node/imageMetadata.ts). nil or empty
/// means "this layer does not say".
struct DevcontainerLayer {
    typealias EnvProbe = EnvironmentDefinition.EnvProbe
    typealias ShutdownAction = EnvironmentDefinition.ShutdownAction

    var remoteUser: String?
    var containerUser: String?
    var userEnvProbe: EnvProbe?
    var overrideCommand: Bool?
    var shutdownAction: ShutdownAction?
    var updateRemoteUserUID: Bool?
    var waitFor: LifecycleStage?
    var privileged: Bool?
    var containerEnv: [(name: String, value: String)] = []
    var remoteEnv: [(name: String, value: String?)] = []
    var mounts: [String] = []
    var capAdd: [String] = []
    var securityOpt: [String] = []
    var lifecycle: [LifecycleStage: [LifecycleCommand]] = [:]
    var forwardPorts: [String] = []
    var hostRequirements = EnvironmentDefinition.HostRequirements()
    var warnings: [String] = []

    /// The keys a layer reads (the CLI's pickConfigProperties). Not
    /// initializeCommand: it runs on the host, which an image must not decide.
    static let keys: Set<String> = [
        "remoteUser", "containerUser", "userEnvProbe", "overrideCommand", "shutdownAction", "updateRemoteUserUID",
        "waitFor", "privileged", "init", "containerEnv", "remoteEnv", "mounts", "capAdd", "securityOpt",
        "onCreateCommand", "updateContentCommand", "postCreateCommand", "postStartCommand", "postAttachCommand",
        "forwardPorts", "hostRequirements", "portsAttributes", "otherPortsAttributes", "customizations",
    ]

    /// The spec's waitFor values: any stage the tool can wait on before connecting.
    static let waitStages: [LifecycleStage] = [
        .initializeCommand, .onCreateCommand, .updateContentCommand, .postCreateCommand, .postStartCommand,
    ]

    /// Reads one member (a key in `keys`) into the layer.
    mutating func read(_ member: JSONCMember, with values: DevcontainerValues) throws(ConfigError) {
        let key = member.key
        let value = member.value
        switch key {
        case "remoteUser", "containerUser":
            // The CLI takes an empty user as "not given" (it merges with `find(entry => entry.remoteUser)`).
            let user = try values.string(value, key: key)
            if user.isEmpty { break }
            if key == "remoteUser" { remoteUser = user } else { containerUser = user }
        case "userEnvProbe": userEnvProbe = try values.choice(value, key: key, of: EnvProbe.self)
        case "shutdownAction": shutdownAction = try values.choice(value, key: key, of: ShutdownAction.self)
        case "waitFor": waitFor = try values.choice(value, key: key, of: LifecycleStage.self, allowed: Self.waitStages)
        case "overrideCommand": overrideCommand = try values.bool(value, key: key)
        case "updateRemoteUserUID": updateRemoteUserUID = try values.bool(value, key: key)
        case "privileged": privileged = try values.bool(value, key: key)
        case "init":
            // devbox's own init is always PID 1, so tini would add nothing.
            _ = try values.bool(value, key: key)
        case "containerEnv":
            containerEnv = try values.environment(value, key: key, nullable: false).map { ($0.name, $0.value ?? "") }
        case "remoteEnv":
            remoteEnv = try values.environment(value, key: key, nullable: true)
        case "mounts":
            guard case .array(let elements) = value.kind else {
                throw values.mismatch(key, "an array of --mount strings or mount objects", value)
            }
            for element in elements {
                mounts.append(try DevcontainerMount.read(element, key: key, values: values, warnings: &warnings))
            }
        case "capAdd": capAdd = try values.strings(value, key: key)
        case "securityOpt": securityOpt = try values.strings(value, key: key)
        case "forwardPorts": forwardPorts = try ports(value, values: values)
        case "hostRequirements": hostRequirements = try requirements(value, values: values)
        case "portsAttributes", "otherPortsAttributes", "customizations":
            break  // editor and port-forwarding settings: nothing for devbox to do
        default:
            guard let stage = LifecycleStage(rawValue: key) else { break }
            if let command = try values.command(value, key: key) { lifecycle[stage] = [command] }
        }
    }

    /// `forwardPorts`: port numbers or "host:port" strings, kept as text.
    private func ports(_ value: JSONCValue, values: DevcontainerValues) throws(ConfigError) -> [String] {
        let expected = "an array of port numbers or \"host:port\" strings"
        guard case .array(let elements) = value.kind else { throw values.mismatch("forwardPorts", expected, value) }
        var out: [String] = []
        for element in elements {
            switch element.kind {
            case .number:
                out.append(String(try values.integer(element, key: "forwardPorts", in: 0...65535)))
            case .string(let raw):
                let text = try values.text(raw, key: "forwardPorts", line: element.line)
                let parts = ASCII.split(text, on: UInt8(ascii: ":"), keepEmpty: true)
                guard parts.count == 2, !parts[0].isEmpty, let port = Int(parts[1]), (0...65535).contains(port) else {
                    throw values.error(element.line, "'forwardPorts' must be \(expected); \"\(text)\" is neither")
                }
                out.append(text)
            default:
                throw values.error(element.line, "'forwardPorts' must be \(expected); an element is \(element.typeName)")
            }
        }
        return out
    }

    private mutating func requirements(_ value: JSONCValue, values: DevcontainerValues) throws(ConfigError) -> EnvironmentDefinition.HostRequirements {
        guard case .object(let members) = value.kind else { throw values.mismatch("hostRequirements", "an object", value) }
        var needs = EnvironmentDefinition.HostRequirements()
        for member in members {
            let key = "hostRequirements." + member.key
            switch member.key {
            case "cpus": needs.cpus = try values.integer(member.value, key: key, in: 1...Int(Int32.max))
            case "memory": needs.memory = try values.bytes(member.value, key: key)
            case "storage": needs.storage = try values.bytes(member.value, key: key)
            case "gpu": warnings.append(values.error(member.line, "'\(key)' is not checked: devbox does not pass GPUs through").description)
            default: warnings.append(values.error(member.line, "unknown key '\(key)' is ignored").description)
            }
        }
        return needs
    }

    /// The config file's own lists, to lay over an image's when merging
    /// (single values are handled through `explicitlySet` instead).
    init(listsOf definition: EnvironmentDefinition) {
        containerEnv = definition.containerEnv.map { entry in
            let (name, value) = Self.split(entry)
            return (name, value ?? "")
        }
        remoteEnv = definition.remoteEnv.map(Self.split)
        mounts = definition.mounts
        capAdd = definition.capAdd
        securityOpt = definition.securityOpt
        lifecycle = definition.lifecycle
        forwardPorts = definition.forwardPorts
        hostRequirements = definition.hostRequirements
    }

    init() {}

    /// Lays the layer over `definition`, as if it came after everything
    /// already there. Single values are skipped for keys in `keeping` (the
    /// file set them, and the file comes last).
    func apply(to definition: inout EnvironmentDefinition, keeping: Set<String> = []) {
        func take<T>(_ value: T?, _ key: String, _ path: WritableKeyPath<EnvironmentDefinition, T>) {
            if let value, !keeping.contains(key) { definition[keyPath: path] = value }
        }
        // Not through take: for an optional field T would be String? and a
        // missing value would arrive as .some(nil), clearing the field.
        if let remoteUser, !keeping.contains("remoteUser") { definition.remoteUser = remoteUser }
        if let containerUser, !keeping.contains("containerUser") { definition.containerUser = containerUser }
        take(userEnvProbe, "userEnvProbe", \.userEnvProbe)
        take(overrideCommand, "overrideCommand", \.overrideCommand)
        take(shutdownAction, "shutdownAction", \.shutdownAction)
        take(updateRemoteUserUID, "updateRemoteUserUID", \.updateRemoteUserUID)
        take(waitFor, "waitFor", \.waitFor)
        if privileged == true { definition.privileged = true }
        for (name, value) in containerEnv { Self.set(name, name + "=" + value, in: &definition.containerEnv) }
        for (name, value) in remoteEnv { Self.set(name, value.map { name + "=" + $0 } ?? name, in: &definition.remoteEnv) }
        for mount in mounts {
            let target = DevcontainerMount.target(of: mount)
            definition.mounts.removeAll { DevcontainerMount.target(of: $0) == target }
            definition.mounts.append(mount)
        }
        for cap in capAdd where !definition.capAdd.contains(cap) { definition.capAdd.append(cap) }
        for option in securityOpt where !definition.securityOpt.contains(option) { definition.securityOpt.append(option) }
        for port in forwardPorts where !definition.forwardPorts.contains(port) { definition.forwardPorts.append(port) }
        for stage in LifecycleStage.allCases {
            if let commands = lifecycle[stage] { definition.lifecycle[stage, default: []] += commands }
        }
        definition.hostRequirements.cpus = Self.larger(definition.hostRequirements.cpus, hostRequirements.cpus)
        definition.hostRequirements.memory = Self.larger(definition.hostRequirements.memory, hostRequirements.memory)
        definition.hostRequirements.storage = Self.larger(definition.hostRequirements.storage, hostRequirements.storage)
        definition.warnings += warnings
    }

    /// Per variable, a later value replaces an earlier one in its place.
    private static func set(_ name: String, _ entry: String, in list: inout [String]) {
        if let index = list.firstIndex(where: { split($0).name == name }) {
            list[index] = entry
        } else {
            list.append(entry)
        }
    }

    /// `KEY=VALUE` → (KEY, VALUE); a bare `KEY` → (KEY, nil).
    static func split(_ entry: String) -> (name: String, value: String?) {
        guard let equals = entry.utf8.firstIndex(of: UInt8(ascii: "=")) else { return (entry, nil) }
        return (String(entry[..<equals]), String(entry[entry.utf8.index(after: equals)...]))
    }

    /// hostRequirements merge: the larger need wins.
    private static func larger<T: Comparable>(_ a: T?, _ b: T?) -> T? {
        guard let a else { return b }
        guard let b else { return a }
        return max(a, b)
    }
}
