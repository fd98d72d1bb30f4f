import ImageStore

public enum RegistryError: Error, CustomStringConvertible {
    case curlMissing
    case transport(String)
    case unauthorized(registry: String)
    case notFound(String)
    case status(code: Int, what: String)
    case badDocument(String)
    case noPlatform(String)
    case store(StoreError)

    public var description: String {
        switch self {
        case .curlMissing:
            return "devbox talks to registries through the curl program, which is not installed; install it (apt-get install curl)"
        case .transport(let reason) where reason.contains("certificate"):
            return "cannot reach the registry: \(reason); put the registry's CA in ~/.config/containers/certs.d/HOST:PORT/ca.crt (or the system's CA store), or pass --tls-verify=false"
        case .transport(let reason):
            return "cannot reach the registry: \(reason); check the network, HTTPS_PROXY/NO_PROXY, or --tls-verify=false for a registry without TLS"
        case .unauthorized(let registry):
            return "\(registry) refused the credentials or requires some; run `devbox login \(registry)`"
        case .notFound(let what):
            return "\(what) was not found in the registry; check the name and tag"
        case .status(let code, let what):
            return "the registry answered \(code) for \(what)"
        case .badDocument(let reason):
            return "the registry sent an invalid document: \(reason)"
        case .noPlatform(let ref):
            return "\(ref) has no image for this machine's platform"
        case .store(let error):
            return error.description
        }
    }
}
