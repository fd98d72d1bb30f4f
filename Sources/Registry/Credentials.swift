import FoundationEssentials
import Platform

/// Registry credentials from the files podman and docker users already have:
/// `$XDG_RUNTIME_DIR/containers/auth.json` (podman, and `devbox login`),
/// then `~/.docker/config.json`. Entries are `{"auths": {"host": {"auth": base64("user:password")}}}`.
public struct Credentials: Equatable, Sendable {
    public var username: String
    public var password: String

    public init(username: String, password: String) {
        self.username = username
        self.password = password
    }

    public var basicHeader: String {
        "Basic " + Data((username + ":" + password).utf8).base64EncodedString()
    }

    struct AuthFile: Codable {
        struct Entry: Codable { var auth: String? }
        var auths: [String: Entry]?
    }

    /// Where credentials are looked for, in order; the first is where
    /// `devbox login` writes (podman's choice: the runtime directory, else
    /// ~/.config/containers, never a shared directory such as /tmp).
    public static func files(environment: [String: String], home: String) -> [String] {
        var files: [String] = []
        if let config = environment["REGISTRY_AUTH_FILE"], config.hasPrefix("/") { files.append(config) }
        if let runtime = environment["XDG_RUNTIME_DIR"], runtime.hasPrefix("/") { files.append(runtime + "/containers/auth.json") }
        files.append(home + "/.config/containers/auth.json")
        files.append(home + "/.docker/config.json")
        return files
    }

    public static func lookup(registry: String, files: [String]) -> Credentials? {
        let keys = registry == "docker.io"
            ? ["docker.io", "https://index.docker.io/v1/", "index.docker.io", "registry-1.docker.io"]
            : [registry, "https://" + registry, "http://" + registry]
        for file in files {
            guard let bytes = FileSystem.readBytes(file),
                  let parsed = try? JSONDecoder().decode(AuthFile.self, from: Data(bytes)) else { continue }
            for key in keys {
                if let encoded = parsed.auths?[key]?.auth, let decoded = Data(base64Encoded: encoded),
                   let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":") {
                    return Credentials(username: String(text[..<colon]), password: String(text[text.index(after: colon)...]))
                }
            }
        }
        return nil
    }

    /// Stores credentials for `registry` in the first file (podman's auth.json).
    public static func save(_ credentials: Credentials, registry: String, file: String) -> Bool {
        var parsed = FileSystem.readBytes(file).flatMap { try? JSONDecoder().decode(AuthFile.self, from: Data($0)) }
            ?? AuthFile(auths: [:])
        var auths = parsed.auths ?? [:]
        auths[registry] = .init(auth: Data((credentials.username + ":" + credentials.password).utf8).base64EncodedString())
        parsed.auths = auths
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(parsed) else { return false }
        let dir = String(file[..<(file.lastIndex(of: "/") ?? file.endIndex)])
        return FileSystem.makeDirectories(dir, mode: 0o700)
            && FileSystem.writeAtomically(file, contents: String(decoding: data, as: UTF8.self), mode: 0o600)
    }
}

/// A `WWW-Authenticate` challenge: `Bearer realm="…",service="…",scope="…"` or `Basic realm="…"`.
public struct AuthChallenge: Equatable, Sendable {
    public var scheme: String
    public var parameters: [String: String]

    public init?(_ header: String) {
        let trimmed = header.drop { $0 == " " }
        guard let space = trimmed.firstIndex(of: " ") else {
            if trimmed.isEmpty { return nil }
            scheme = trimmed.lowercased()
            parameters = [:]
            return
        }
        scheme = trimmed[..<space].lowercased()
        var params: [String: String] = [:]
        var rest = Substring(trimmed[trimmed.index(after: space)...])
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " || $0 == "," }
            guard let eq = rest.firstIndex(of: "=") else { break }
            let key = rest[..<eq].lowercased()
            rest = rest[rest.index(after: eq)...]
            var value = ""
            if rest.first == "\"" {
                rest = rest.dropFirst()
                while let ch = rest.first, ch != "\"" {
                    if ch == "\\" { rest = rest.dropFirst() }
                    if let c = rest.first { value.append(c) }
                    rest = rest.dropFirst()
                }
                rest = rest.dropFirst()
            } else {
                let end = rest.firstIndex(of: ",") ?? rest.endIndex
                value = String(rest[..<end])
                rest = rest[end...]
            }
            params[key] = value
        }
        parameters = params
    }
}
