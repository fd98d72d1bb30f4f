import Platform

/// A registry's own certificates, where podman and docker users already keep
/// them: `certs.d/HOST[:PORT]/` holding CA certificates (`*.crt`) and a client
/// certificate (`NAME.cert` with `NAME.key`). The first directory that has an
/// entry for the registry wins: the user's, then /etc/containers, then
/// /etc/docker. Without one, curl checks the system CA store.
public struct RegistryTrust: Equatable, Sendable {
    public var caFiles: [String] = []
    public var clientCertificate: String?
    public var clientKey: String?

    public init(caFiles: [String] = [], clientCertificate: String? = nil, clientKey: String? = nil) {
        self.caFiles = caFiles
        self.clientCertificate = clientCertificate
        self.clientKey = clientKey
    }

    /// The CA certificates, concatenated; nil when certs.d names none.
    public func certificates() -> [UInt8]? {
        guard !caFiles.isEmpty else { return nil }
        var pem: [UInt8] = []
        for file in caFiles { pem += (FileSystem.readBytes(file) ?? []) + [0x0a] }
        return pem
    }

    public static func directories(environment: [String: String], home: String) -> [String] {
        let config = environment["XDG_CONFIG_HOME"].flatMap { $0.hasPrefix("/") ? $0 : nil } ?? home + "/.config"
        return [config + "/containers/certs.d", "/etc/containers/certs.d", "/etc/docker/certs.d"]
    }

    public static func lookup(registry: String, directories: [String]) -> RegistryTrust {
        for base in directories {
            let dir = base + "/" + registry
            guard FileSystem.isDirectory(dir) else { continue }
            let files = FileSystem.list(dir).sorted()
            var trust = RegistryTrust(caFiles: files.filter { $0.hasSuffix(".crt") }.map { dir + "/" + $0 })
            if let cert = files.first(where: { $0.hasSuffix(".cert") && files.contains(String($0.dropLast(5)) + ".key") }) {
                trust.clientCertificate = dir + "/" + cert
                trust.clientKey = dir + "/" + String(cert.dropLast(5)) + ".key"
            }
            return trust
        }
        return RegistryTrust()
    }
}
