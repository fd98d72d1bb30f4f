import Platform

/// `${...}` in devcontainer.json strings, as the spec lists them
/// (devcontainerjson-reference.md, "Variables in devcontainer.json") and the
/// devcontainers CLI matches them (src/spec-common/variableSubstitution.ts):
/// the text between `${` and the first `}` on the same line, split at `:`
/// into a name and arguments; one pass, so a substituted value is never
/// scanned again.
///
/// Where the CLI leaves a variable it does not know as written, devbox
/// refuses the file: `${localWorkspaceFolderr}` would otherwise reach a
/// mount or a command as literal text and fail far from its cause. Image
/// labels are not the user's to fix, so there unknown variables stay as
/// written, as the CLI leaves them.
public struct DevcontainerVariables: Sendable {
    public var localWorkspaceFolder: String
    /// nil while `workspaceFolder` itself is read: it defines this variable.
    public var containerWorkspaceFolder: String?
    public var localEnv: [String: String]
    public var devcontainerId: String

    public init(context: DevcontainerContext, containerWorkspaceFolder: String?) {
        localWorkspaceFolder = context.projectRoot
        self.containerWorkspaceFolder = containerWorkspaceFolder
        localEnv = context.localEnv
        devcontainerId = context.devcontainerId
    }

    /// The list the "unknown variable" message gives.
    static let known = "localWorkspaceFolder, localWorkspaceFolderBasename, containerWorkspaceFolder, "
        + "containerWorkspaceFolderBasename, localEnv:NAME[:default], env:NAME[:default], devcontainerId, "
        + "and containerEnv:NAME[:default] in remoteEnv"

    /// `text` with its variables replaced. `key` is the setting it came
    /// from: only `remoteEnv` may hold `${containerEnv:NAME}`, which is kept
    /// for `resolveContainerEnv` once the container runs. `strict` false
    /// (image labels) leaves what cannot be resolved as written.
    func substitute(_ text: String, key: String, strict: Bool = true) throws(VariableError) -> String {
        guard text.utf8.contains(UInt8(ascii: "$")) else { return text }
        var out = ""
        for piece in Self.pieces(text) {
            switch piece {
            case .text(let literal):
                out += literal
            case .variable(let match, let name, let arguments):
                do {
                    out += try value(of: name, arguments: arguments, match: match, key: key)
                } catch {
                    guard !strict else { throw error }
                    out += match
                }
            }
        }
        return out
    }

    private func value(of name: String, arguments: [String], match: String, key: String) throws(VariableError) -> String {
        switch name {
        case "localWorkspaceFolder":
            return localWorkspaceFolder
        case "localWorkspaceFolderBasename":
            return Self.basename(localWorkspaceFolder)
        case "containerWorkspaceFolder", "containerWorkspaceFolderBasename":
            guard let folder = containerWorkspaceFolder else {
                throw VariableError(message: "\(match) cannot be used in '\(key)', which defines it")
            }
            return name == "containerWorkspaceFolder" ? folder : Self.basename(folder)
        case "localEnv", "env":
            guard let variable = arguments.first else {
                throw VariableError(message: "\(match) in '\(key)' names no variable; write ${\(name):NAME}")
            }
            return localEnv[variable] ?? (arguments.count > 1 ? arguments[1] : "")
        case "devcontainerId":
            return devcontainerId
        case "containerEnv":
            guard key == "remoteEnv" else {
                throw VariableError(message: "\(match) in '\(key)' is only allowed in remoteEnv: the container's environment is not known until it runs")
            }
            guard !arguments.isEmpty else {
                throw VariableError(message: "\(match) in '\(key)' names no variable; write ${containerEnv:NAME}")
            }
            return match
        default:
            throw VariableError(message: "unknown variable \(match) in '\(key)'; devcontainer.json knows: \(Self.known)\(Self.hint(name, arguments))")
        }
    }

    static let names = [
        "localWorkspaceFolder", "localWorkspaceFolderBasename", "containerWorkspaceFolder", "containerWorkspaceFolderBasename",
        "localEnv", "env", "devcontainerId", "containerEnv",
    ]

    /// A misspelt variable's likely meaning, else how to leave a shell
    /// variable to the shell (commands are the usual place for `${VAR}`).
    private static func hint(_ name: String, _ arguments: [String]) -> String {
        if name.utf8.count <= 64, let close = names.first(where: {
            $0.lowercased() == name.lowercased() || (name.utf8.count >= 5 && DevcontainerKeys.distance($0.lowercased(), name.lowercased()) <= 2)
        }) {
            return "; did you mean ${\(close)}?"
        }
        let shellLike = arguments.isEmpty && !name.isEmpty && name.utf8.allSatisfy { ASCII.isAlphanumeric($0) || $0 == UInt8(ascii: "_") }
        return shellLike ? "; a shell variable in a command is written $\(name), without braces" : ""
    }

    /// `${containerEnv:NAME}` and `${containerEnv:NAME:default}` in a
    /// remoteEnv value, from the running container's environment; an unset
    /// variable without a default is empty, as the spec says. Other text is
    /// kept as it is.
    public static func resolveContainerEnv(_ value: String, containerEnv: [String: String]) -> String {
        guard value.utf8.contains(UInt8(ascii: "$")) else { return value }
        var out = ""
        for piece in pieces(value) {
            switch piece {
            case .text(let literal):
                out += literal
            case .variable(_, "containerEnv", let arguments) where !arguments.isEmpty:
                out += containerEnv[arguments[0]] ?? (arguments.count > 1 ? arguments[1] : "")
            case .variable(let match, _, _):
                out += match
            }
        }
        return out
    }

    enum Piece: Equatable {
        case text(String)
        case variable(match: String, name: String, arguments: [String])
    }

    /// `text` cut into literal runs and `${...}` references, as the CLI's
    /// `/\$\{(.*?)\}/g` finds them: the shortest `${...}` whose body has no
    /// line break; a `${` with no such end is literal text.
    static func pieces(_ text: String) -> [Piece] {
        let bytes = Array(text.utf8)
        var pieces: [Piece] = []
        var literalStart = 0
        var p = 0
        while p + 1 < bytes.count {
            guard bytes[p] == UInt8(ascii: "$"), bytes[p + 1] == UInt8(ascii: "{") else {
                p += 1
                continue
            }
            var q = p + 2
            while q < bytes.count, bytes[q] != UInt8(ascii: "}"), bytes[q] != 0x0a, bytes[q] != 0x0d { q += 1 }
            guard q < bytes.count, bytes[q] == UInt8(ascii: "}") else {
                p += 1
                continue
            }
            if literalStart < p { pieces.append(.text(String(decoding: bytes[literalStart..<p], as: UTF8.self))) }
            let body = String(decoding: bytes[(p + 2)..<q], as: UTF8.self)
            let parts = ASCII.split(body, on: UInt8(ascii: ":"), keepEmpty: true)
            pieces.append(.variable(match: String(decoding: bytes[p...q], as: UTF8.self),
                                    name: parts.first ?? "", arguments: Array(parts.dropFirst())))
            p = q + 1
            literalStart = p
        }
        if literalStart < bytes.count { pieces.append(.text(String(decoding: bytes[literalStart...], as: UTF8.self))) }
        return pieces
    }

    /// POSIX basename as node's path.posix.basename: trailing slashes
    /// dropped, "" for "/".
    static func basename(_ path: String) -> String {
        var bytes = Array(path.utf8)
        while bytes.count > 1, bytes.last == UInt8(ascii: "/") { bytes.removeLast() }
        if bytes == [UInt8(ascii: "/")] { return "" }
        if let slash = bytes.lastIndex(of: UInt8(ascii: "/")) { bytes.removeSubrange(...slash) }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A variable that cannot be substituted; the caller adds file and line.
struct VariableError: Error {
    var message: String
}
