import FoundationEssentials
import OCI

/// Talks to one registry for one repository (OCI distribution spec):
/// anonymous, Basic, and the Bearer token flow a 401 challenge asks for.
public final class RegistryClient {
    public let reference: ImageReference
    let transport: CurlTransport
    let credentials: Credentials?
    let base: String
    var authorization: String?
    let actions: String

    public init(reference: ImageReference, connection: RegistryConnection, push: Bool = false) {
        self.reference = reference
        self.credentials = connection.credentials
        let tlsVerify = connection.tlsVerify
        let host = reference.registry == "docker.io" ? "registry-1.docker.io" : reference.registry
        let local = host.hasPrefix("localhost") || host.hasPrefix("127.") || host.hasPrefix("[::1]")
        // Plain HTTP for loopback or when TLS checks are switched off; an
        // explicit --tls-verify=true asks for HTTPS even on loopback.
        base = (tlsVerify != true && (local || tlsVerify == false) ? "http://" : "https://") + host + "/v2/"
        var transport = CurlTransport(insecure: tlsVerify == false, environment: connection.environment)
        transport.caCertificates = connection.trust.certificates()
        transport.clientCertificate = connection.trust.clientCertificate
        transport.clientKey = connection.trust.clientKey
        self.transport = transport
        actions = push ? "pull,push" : "pull"
    }

    public func url(_ path: String) -> String { base + reference.repository + "/" + path }

    /// A Location header made absolute against the registry's origin.
    public func absolute(_ location: String) -> String {
        if location.hasPrefix("http://") || location.hasPrefix("https://") { return location }
        return String(base.dropLast(4)) + location  // base ends with "/v2/"
    }

    /// Sends requests, answering an authentication challenge once.
    public func send(_ requests: [HTTPRequest], sinks: [((UnsafeRawBufferPointer) -> Bool)?] = []) throws(RegistryError) -> [HTTPResponse] {
        var responses = try transport.perform(requests.map(authorized), sinks: sinks)
        if let challenged = responses.first(where: { $0.status == 401 }) {
            try authenticate(challenged.header("www-authenticate"))
            // Only data sent to memory can be retried; sinks saw an error body.
            responses = try transport.perform(requests.map(authorized), sinks: sinks)
        }
        if let failed = responses.first(where: { $0.error != nil }), let error = failed.error, error != "aborted" {
            throw .transport(error)
        }
        if responses.contains(where: { $0.status == 401 || $0.status == 403 }) {
            throw .unauthorized(registry: reference.registry)
        }
        return responses
    }

    public func send(_ request: HTTPRequest) throws(RegistryError) -> HTTPResponse {
        try send([request])[0]
    }

    func authorized(_ request: HTTPRequest) -> HTTPRequest {
        var copy = request
        if let authorization { copy.headers.append("Authorization: " + authorization) }
        return copy
    }

    func authenticate(_ header: String?) throws(RegistryError) {
        guard let header, let challenge = AuthChallenge(header) else { throw .unauthorized(registry: reference.registry) }
        switch challenge.scheme {
        case "basic":
            guard let credentials else { throw .unauthorized(registry: reference.registry) }
            authorization = credentials.basicHeader
        case "bearer":
            guard let realm = challenge.parameters["realm"] else { throw .badDocument("a Bearer challenge without realm") }
            var query = ["scope=" + percentEncode("repository:\(reference.repository):\(actions)")]
            if let service = challenge.parameters["service"] { query.append("service=" + percentEncode(service)) }
            var request = HTTPRequest(url: realm + (realm.contains("?") ? "&" : "?") + query.joined(separator: "&"))
            if let credentials { request.headers.append("Authorization: " + credentials.basicHeader) }
            let response = try transport.perform([request])[0]
            if let error = response.error { throw .transport(error) }
            guard response.status == 200 else { throw .unauthorized(registry: reference.registry) }
            struct Token: Decodable { var token: String?; var access_token: String? }
            guard let token = try? JSONDecoder().decode(Token.self, from: Data(response.body)),
                  let value = token.token ?? token.access_token else {
                throw .badDocument("the token service answered without a token")
            }
            authorization = "Bearer " + value
        default:
            throw .unauthorized(registry: reference.registry)
        }
    }

    func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let c = Character(UnicodeScalar(byte))
            if c.isASCII && (c.isLetter || c.isNumber || "-._~".contains(c)) {
                out.append(c)
            } else {
                out += "%" + (byte < 16 ? "0" : "") + String(byte, radix: 16, uppercase: true)
            }
        }
        return out
    }
}
