import Platform

/// An image's `devcontainer.metadata` label: devcontainer.json snippets the
/// image's builder stored (a JSON array of objects, or one object), merged
/// under the project's own file by the spec's rules (image-metadata.md,
/// devcontainer-reference.md "Merge logic"): the image's entries in order,
/// then the file, which comes last.
///
/// - lifecycle commands: all run, the image's first;
/// - remoteUser, containerUser, userEnvProbe, overrideCommand,
///   shutdownAction, updateRemoteUserUID, waitFor: the last one given wins,
///   and a value the file set itself (`explicitlySet`) beats any image's;
/// - containerEnv, remoteEnv: merged per variable, later wins (a remoteEnv
///   null removes the variable);
/// - mounts: all, a later mount on the same target replacing the earlier;
/// - capAdd, securityOpt, forwardPorts: union; privileged: true if any is;
/// - hostRequirements: the larger need wins.
///
/// Only those keys are read (the CLI's pickConfigProperties): an image
/// cannot set initializeCommand (it runs on the host), the image, runArgs or
/// the workspace.
public enum DevcontainerMetadata {
    public static let label = "devcontainer.metadata"

    public static func merging(metadataLabel: String, into definition: EnvironmentDefinition,
                               context: DevcontainerContext) throws(ConfigError) -> EnvironmentDefinition {
        let source = "the \(label) label of " + (definition.image.map { "image '\($0)'" } ?? "the image")
        guard metadataLabel.utf8.contains(where: { $0 > 32 }) else { return definition }
        let entries = try self.entries(metadataLabel, source: source)

        // The image's values use the file's variables: the CLI substitutes
        // them with the same context. What cannot be resolved stays as
        // written, since the user cannot edit the image's label.
        var variables = DevcontainerVariables(context: context, containerWorkspaceFolder: nil)
        variables.containerWorkspaceFolder = definition.workspaceFolder ?? context.projectRoot
        let values = DevcontainerValues(file: source, variables: variables, strict: false)

        var merged = definition
        // The lists start again from the image's, and the file's own are laid on last.
        merged.containerEnv = []
        merged.remoteEnv = []
        merged.mounts = []
        merged.capAdd = []
        merged.securityOpt = []
        merged.forwardPorts = []
        merged.lifecycle = [:]
        for entry in entries {
            var layer = DevcontainerLayer()
            for member in entry {
                if DevcontainerLayer.keys.contains(member.key) {
                    try layer.read(member, with: values)
                } else if member.key == "entrypoint" {
                    layer.warnings.append("\(source): a feature's entrypoint is not run by devbox")
                }
            }
            layer.warnings += requests(of: layer, source: source)
            layer.apply(to: &merged, keeping: definition.explicitlySet)
        }
        DevcontainerLayer(listsOf: definition).apply(to: &merged)
        return merged
    }

    /// The label's entries: an array of objects (nulls skipped) or one object.
    private static func entries(_ text: String, source: String) throws(ConfigError) -> [[JSONCMember]] {
        let root: JSONCValue
        do {
            root = try JSONCReader.read(text)
        } catch {
            throw ConfigError(file: source, line: error.line, message: error.message)
        }
        let expected = "the label must hold a JSON array of objects or one object"
        switch root.kind {
        case .object(let members):
            return [members]
        case .array(let elements):
            var out: [[JSONCMember]] = []
            for element in elements {
                switch element.kind {
                case .object(let members): out.append(members)
                case .null: continue
                default: throw ConfigError(file: source, line: element.line, message: "\(expected); an element is \(element.typeName)")
                }
            }
            return out
        default:
            throw ConfigError(file: source, line: root.line, message: "\(expected), not \(root.typeName)")
        }
    }

    /// What an image asks for beyond an ordinary container, said aloud: the
    /// user chose the image, not these settings.
    private static func requests(of layer: DevcontainerLayer, source: String) -> [String] {
        var out: [String] = []
        if layer.privileged == true { out.append("\(source) asks for a privileged container") }
        if !layer.capAdd.isEmpty { out.append("\(source) adds capabilities: \(layer.capAdd.concatenated(separator: ", "))") }
        if !layer.securityOpt.isEmpty { out.append("\(source) sets security options: \(layer.securityOpt.concatenated(separator: ", "))") }
        for mount in layer.mounts where mount.hasPrefix("type=bind,") {
            out.append("\(source) bind-mounts a host path: \(mount)")
        }
        return out
    }
}
