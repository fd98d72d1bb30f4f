import Platform

/// `mounts` entries and `workspaceMount`: docker's `--mount` syntax
/// (`source=S,target=T,type=bind,consistency=cached`) or the spec's object
/// form (`{"source": S, "target": T, "type": "volume"}`), normalised to the
/// syntax devbox's own `--mount` reads:
/// `type=T[,source=S],target=T[,readonly][,tmpfs-size=N][,tmpfs-mode=M]`.
/// The result is then checked by that same reader (RunFlagValues.mount), so
/// a mount devbox would refuse when planning is refused here, with its line.
enum DevcontainerMount {
    /// docker options that change nothing devbox can honour; dropped with a
    /// warning rather than refused, as they rarely matter on a dev machine.
    static let dropped: Set<String> = [
        "bind-propagation", "bind-nonrecursive", "bind-recursive", "bind-create-src",
        "volume-nocopy", "volume-driver", "volume-opt", "volume-subpath", "tmpfs-options",
    ]

    private struct Fields {
        var type = "volume"  // docker's default for --mount
        var source: String?
        var target: String?
        var readOnly = false
        var extra: [String] = []
    }

    static func read(_ value: JSONCValue, key: String, values: DevcontainerValues,
                     warnings: inout [String]) throws(ConfigError) -> String {
        let fields: Fields
        switch value.kind {
        case .string(let raw):
            fields = try parse(try values.text(raw, key: key, line: value.line), key: key, line: value.line,
                               values: values, warnings: &warnings)
        case .object(let members):
            fields = try object(members, key: key, values: values)
        default:
            throw values.mismatch(key, "a --mount string such as \"source=NAME,target=/path,type=volume\" or an object", value)
        }
        return try normalised(fields, key: key, line: value.line, values: values)
    }

    /// The target of a mount in devbox's syntax: later mounts on the same
    /// target replace earlier ones when settings merge.
    static func target(of mount: String) -> String? {
        for field in ASCII.split(mount, on: UInt8(ascii: ",")) where field.hasPrefix("target=") {
            return String(field.dropFirst("target=".count))
        }
        return nil
    }

    private static func parse(_ text: String, key: String, line: Int, values: DevcontainerValues,
                              warnings: inout [String]) throws(ConfigError) -> Fields {
        var fields = Fields()
        for field in ASCII.split(text, on: UInt8(ascii: ",")) {
            let pair = ASCII.split(field, on: UInt8(ascii: "="), keepEmpty: true)
            // docker reads option names in any case; values keep theirs.
            let name = pair[0].lowercased()
            let value: String? = pair.count > 1 ? String(field.dropFirst(pair[0].count + 1)) : nil
            switch (name, value) {
            case ("type", let v?): fields.type = v.lowercased()
            case ("source", let v?), ("src", let v?): fields.source = v
            case ("target", let v?), ("destination", let v?), ("dst", let v?): fields.target = v
            case ("readonly", nil), ("ro", nil), ("readonly", "true"), ("ro", "true"), ("readonly", "1"), ("ro", "1"):
                fields.readOnly = true
            case ("readonly", "false"), ("ro", "false"), ("readonly", "0"), ("ro", "0"):
                fields.readOnly = false
            case ("consistency", _):
                break  // macOS file sharing only; Linux binds are always consistent
            case ("tmpfs-size", let v?), ("tmpfs-mode", let v?):
                fields.extra.append(name + "=" + v)
            case _ where dropped.contains(name):
                warnings.append(values.error(line, "mount option '\(name)' in '\(key)' is ignored").description)
            default:
                throw values.error(line, "unknown mount option '\(field)' in '\(key)'; devbox takes type, source, target, readonly, tmpfs-size and tmpfs-mode")
            }
        }
        return fields
    }

    private static func object(_ members: [JSONCMember], key: String, values: DevcontainerValues) throws(ConfigError) -> Fields {
        var fields = Fields()
        for member in members {
            switch member.key {
            case "type": fields.type = try values.string(member.value, key: key)
            case "source": fields.source = try values.string(member.value, key: key)
            case "target": fields.target = try values.string(member.value, key: key)
            case "readonly": fields.readOnly = try values.bool(member.value, key: key)
            case "external": _ = try values.bool(member.value, key: key)  // the CLI's: a volume made elsewhere; devbox makes volumes on use
            default:
                throw values.error(member.line, "unknown mount field '\(member.key)' in '\(key)'; a mount object takes type, source, target and readonly")
            }
        }
        return fields
    }

    private static func normalised(_ fields: Fields, key: String, line: Int, values: DevcontainerValues) throws(ConfigError) -> String {
        guard let rawTarget = fields.target, !rawTarget.isEmpty else {
            throw values.error(line, "a mount in '\(key)' has no target; write target=/path/in/the/container")
        }
        guard let target = ContainerPath.clean(rawTarget) else {
            throw values.error(line, "the mount target '\(rawTarget)' in '\(key)' must be an absolute path other than /")
        }
        if let source = fields.source, fields.type == "bind", !source.hasPrefix("/") {
            throw values.error(line, "the bind mount source '\(source)' in '\(key)' must be an absolute path (e.g. ${localWorkspaceFolder}/\(source))")
        }
        for part in [fields.type, fields.source ?? "", target] + fields.extra where part.utf8.contains(UInt8(ascii: ",")) {
            throw values.error(line, "'\(part)' in '\(key)' holds a comma, which --mount syntax cannot carry")
        }
        var parts = ["type=" + fields.type]
        if let source = fields.source, !source.isEmpty { parts.append("source=" + source) }
        parts.append("target=" + target)
        if fields.readOnly { parts.append("readonly") }
        let text = (parts + fields.extra).concatenated(separator: ",")
        do {
            _ = try RunFlagValues.mount(text)
        } catch {
            throw values.error(line, "'\(key)': \(error)")
        }
        return text
    }
}
