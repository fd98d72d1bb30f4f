/// Renders the table as ArgumentParser declarations: ArgumentParser reads
/// property wrappers by reflection and cannot take a table at run time, so
/// the declarations are generated (`make run-flags`, the generate-run-flags
/// target) and a unit test fails when the committed file drifts.
public enum RunFlagSource {
    /// The Swift source of a `ParsableArguments` struct named `typeName`
    /// holding the non-global flags of `command`.
    public static func render(typeName: String, command: RunFlag.Commands) -> String {
        var out = """
            // Generated from RunFlags.table (Sources/Project/RunFlags+Table.swift)
            // by `make run-flags`; do not edit.
            import ArgumentParser

            struct \(typeName): ParsableArguments {

            """
        let flags = RunFlags.flags(for: command).filter { !$0.global }
        for flag in flags {
            var names = flag.short.map { [".customShort(\(literal(String($0))))"] } ?? []
            names += flag.longNames.map { ".customLong(\(literal($0)))" }
            let help = flag.kind == .flag
                ? literal(flag.help)
                : "ArgumentHelp(\(literal(flag.help)), valueName: \(literal(flag.valueName)))"
            // The next word is the value even when it starts with `-`, as
            // the fast parser and podman (pflag) take it: `--name -x` is a
            // bad name, not a missing value.
            let parsing = [.option: ", parsing: .unconditional", .repeatable: ", parsing: .unconditionalSingleValue"][flag.kind] ?? ""
            var arguments = "name: [\(names.joined(separator: ", "))]\(parsing), help: \(help)"
            switch flag.completion {
            case .none: break
            case .list(let items): arguments += ", completion: .list([\(items.map(literal).joined(separator: ", "))])"
            case .file: arguments += ", completion: .file()"
            case .directory: arguments += ", completion: .directory"
            case .dynamic(let name): arguments += ", completion: .custom(DynamicCompletion.\(name))"
            }
            let property = "`\(propertyName(flag.long))`"
            switch flag.kind {
            case .flag: out += "    @Flag(\(arguments))\n    var \(property) = false\n\n"
            case .option: out += "    @Option(\(arguments))\n    var \(property): String?\n\n"
            case .repeatable: out += "    @Option(\(arguments))\n    var \(property): [String] = []\n\n"
            }
        }
        out += "    /// Each flag's long name and the values given, for RunFlags.apply.\n"
        out += "    var given: [(long: String, values: [String])] {\n        [\n"
        for flag in flags {
            let property = "`\(propertyName(flag.long))`"
            let values: String
            switch flag.kind {
            case .flag: values = "\(property) ? [\"\"] : []"
            case .option: values = "\(property).map { [$0] } ?? []"
            case .repeatable: values = property
            }
            out += "            (\(literal(flag.long)), \(values)),\n"
        }
        out += "        ]\n    }\n}\n"
        return out
    }

    /// `cap-add` -> `capAdd`.
    static func propertyName(_ long: String) -> String {
        var name = ""
        var upper = false
        for ch in long {
            if ch == "-" {
                upper = true
            } else {
                name += upper ? ch.uppercased() : String(ch)
                upper = false
            }
        }
        return name
    }

    static func literal(_ text: String) -> String {
        var out = "\""
        for ch in text.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            default: out.unicodeScalars.append(ch)
            }
        }
        return out + "\""
    }
}
