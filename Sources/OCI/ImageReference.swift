/// An image reference as docker and podman normalise it:
/// `alpine` → `docker.io/library/alpine:latest`,
/// `localhost:5000/x@sha256:…` keeps its registry and digest.
public struct ImageReference: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var registry: String
    public var repository: String
    public var tag: String?
    public var digest: Digest?

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case invalid(String)
        public var description: String {
            switch self {
            case .invalid(let text):
                return "invalid image reference '\(text)'; use NAME[:TAG] or NAME@sha256:DIGEST, e.g. docker.io/library/alpine:3.20"
            }
        }
    }

    public init(parsing text: String) throws(ParseError) {
        guard !text.isEmpty, text.utf8.count < 512, !text.contains(" ") else { throw .invalid(text) }
        var rest = Substring(text)
        var digest: Digest?
        if let at = rest.firstIndex(of: "@") {
            guard let d = Digest(String(rest[rest.index(after: at)...])) else { throw .invalid(text) }
            digest = d
            rest = rest[..<at]
        }
        var tag: String?
        if let colon = rest.lastIndex(of: ":"), !rest[colon...].contains("/") {
            tag = String(rest[rest.index(after: colon)...])
            rest = rest[..<colon]
            guard let t = tag, !t.isEmpty, t.count <= 128,
                  t.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "." || $0 == "-") })
            else { throw .invalid(text) }
        }
        var parts = rest.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, !parts.contains(where: \.isEmpty) else { throw .invalid(text) }
        // The first component is a registry when it looks like a host.
        var registry = "docker.io"
        if parts.count > 1, parts[0].contains(".") || parts[0].contains(":") || parts[0] == "localhost" {
            registry = parts.removeFirst()
        }
        if registry == "index.docker.io" { registry = "docker.io" }
        if registry == "docker.io" && parts.count == 1 { parts.insert("library", at: 0) }
        let repository = parts.joined(separator: "/")
        guard repository.allSatisfy({ ($0.isASCII && ($0.isLowercase || $0.isNumber)) || "._-/".contains($0) }) else {
            throw .invalid(text)
        }
        self.registry = registry
        self.repository = repository
        self.digest = digest
        self.tag = tag ?? (digest == nil ? "latest" : nil)
    }

    /// `registry/repository`, without tag or digest.
    public var name: String { registry + "/" + repository }

    public var description: String {
        var text = name
        if let tag { text += ":" + tag }
        if let digest { text += "@" + digest.description }
        return text
    }
}
