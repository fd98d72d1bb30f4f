import Platform

/// devcontainer.json → EnvironmentDefinition, by the spec's reference
/// (devcontainerjson-reference.md) for the single-container, image-based
/// case. What devbox cannot honour is refused (building, features,
/// Compose); what it has no use for is passed over, with a warning where
/// the user might expect an effect; wrong types are errors with file:line.
public enum DevcontainerParser {
    /// Real files are a few KB; anything near this is not a config file.
    public static let sizeLimit = 1 << 20

    /// Reads `context.configFile`; `file` is how errors name it.
    public static func load(file: String, context: DevcontainerContext) throws(ConfigError) -> EnvironmentDefinition {
        // One byte past the limit tells a file that is too big from one that fits.
        guard let bytes = FileSystem.readBytes(context.configFile, limit: sizeLimit + 1) else {
            throw ConfigError(file: file, line: 0, message: "cannot be read; make it a readable file or name another with --config")
        }
        guard bytes.count <= sizeLimit else {
            throw ConfigError(file: file, line: 0, message: "is over 1 MiB, which no devcontainer.json needs; is it the right file?")
        }
        return try parse(bytes: bytes, file: file, context: context)
    }

    public static func parse(_ text: String, file: String, context: DevcontainerContext) throws(ConfigError) -> EnvironmentDefinition {
        try parse(bytes: Array(text.utf8), file: file, context: context)
    }

    /// From the file's bytes, so invalid UTF-8 is an error on its line
    /// rather than text quietly replaced by U+FFFD.
    public static func parse(bytes: [UInt8], file: String, context: DevcontainerContext) throws(ConfigError) -> EnvironmentDefinition {
        let root: JSONCValue
        do {
            root = try JSONCReader.read(bytes: bytes)
        } catch {
            throw ConfigError(file: file, line: error.line, message: error.message)
        }
        guard case .object(let members) = root.kind else {
            throw ConfigError(file: file, line: root.line, message: "devcontainer.json must be one JSON object ({ ... }), not \(root.typeName)")
        }
        try refuse(members, file: file)

        var definition = EnvironmentDefinition(format: .devcontainer, file: context.configFile)
        // The spec's default for devcontainer.json; devbox.toml's is none.
        definition.userEnvProbe = .loginInteractiveShell
        var values = DevcontainerValues(file: file, variables: DevcontainerVariables(context: context, containerWorkspaceFolder: nil))
        // The workspace first: ${containerWorkspaceFolder} in every other value is where it puts the project.
        try readWorkspace(members, into: &definition, values: values)
        values.variables.containerWorkspaceFolder = definition.workspaceFolder ?? context.projectRoot

        var layer = DevcontainerLayer()
        for member in members {
            let key = member.key
            let value = member.value
            switch key {
            case "workspaceFolder", "workspaceMount":
                break
            case "name":
                definition.name = try values.string(value, key: key)
            case "image":
                let image = try values.string(value, key: key)
                guard !image.isEmpty, !image.utf8.contains(where: { $0 <= 32 }) else {
                    throw values.error(value.line, "'image' must be an image reference such as \"alpine:3.20\", not \"\(image)\"")
                }
                definition.image = image
            case "runArgs":
                definition.runArgs = try values.strings(value, key: key)
            case "initializeCommand":
                if let command = try values.command(value, key: key) { definition.lifecycle[.initializeCommand] = [command] }
            case "features":
                break  // `{}`: refuse() turned away everything else
            case _ where DevcontainerLayer.keys.contains(key):
                try layer.read(member, with: values)
                // An empty user is "not given" to the CLI, so an image's may still apply.
                if key == "remoteUser" || key == "containerUser", case .string("") = value.kind { continue }
            case _ where DevcontainerKeys.ignored.contains(key):
                break
            case _ where DevcontainerKeys.warned[key] != nil:
                definition.warnings.append(values.error(member.line, DevcontainerKeys.warned[key] ?? "").description)
            default:
                let hint = DevcontainerKeys.suggestion(for: key).map { "; did you mean '\($0)'?" } ?? ""
                definition.warnings.append(values.error(member.line, "unknown key '\(key)' is ignored\(hint)").description)
                continue
            }
            definition.explicitlySet.insert(key)
        }
        layer.apply(to: &definition)

        guard definition.image != nil else {
            throw ConfigError(file: file, line: root.line, message: "no \"image\": give an image to run, e.g. \"image\": "
                + "\"mcr.microsoft.com/devcontainers/base:ubuntu\" (devbox cannot build one)")
        }
        return definition
    }

    /// The first key devbox cannot honour, in file order.
    private static func refuse(_ members: [JSONCMember], file: String) throws(ConfigError) {
        for member in members {
            guard let reason = DevcontainerKeys.refused[member.key] else { continue }
            // `"features": {}` asks for nothing; templates often leave it so.
            if member.key == "features", case .object(let features) = member.value.kind, features.isEmpty { continue }
            throw ConfigError(file: file, line: member.line, message: reason)
        }
    }

    /// `workspaceFolder` and `workspaceMount`. The spec wants both or
    /// neither; a mount alone puts the folder at the mount's target.
    private static func readWorkspace(_ members: [JSONCMember], into definition: inout EnvironmentDefinition,
                                      values: DevcontainerValues) throws(ConfigError) {
        if let member = members.first(where: { $0.key == "workspaceFolder" }) {
            let folder = try values.string(member.value, key: "workspaceFolder")
            guard let clean = ContainerPath.clean(folder) else {
                throw values.error(member.value.line, "'workspaceFolder' must be an absolute path other than /, not \"\(folder)\"")
            }
            definition.workspaceFolder = clean
        }
        guard let member = members.first(where: { $0.key == "workspaceMount" }) else { return }
        if case .string("") = member.value.kind {
            definition.workspaceMount = ""  // the CLI's "mount no workspace"
            return
        }
        guard case .string = member.value.kind else {
            throw values.mismatch("workspaceMount", "a --mount string such as \"source=${localWorkspaceFolder},target=/workspace,type=bind\"", member.value)
        }
        var mountValues = values
        mountValues.variables.containerWorkspaceFolder = definition.workspaceFolder
        let mount = try DevcontainerMount.read(member.value, key: "workspaceMount", values: mountValues, warnings: &definition.warnings)
        definition.workspaceMount = mount
        if definition.workspaceFolder == nil { definition.workspaceFolder = DevcontainerMount.target(of: mount) }
    }
}
