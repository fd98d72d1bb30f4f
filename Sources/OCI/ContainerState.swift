// The OCI runtime `state` document (runtime-spec/runtime.md#state).
public struct ContainerState: Codable, Equatable, Sendable {
    public enum Status: String, Codable, Sendable {
        case creating, created, running, stopped
    }

    public var ociVersion: String
    public var id: String
    public var status: Status
    public var pid: Int32?
    public var bundle: String
    public var annotations: [String: String]?

    public init(ociVersion: String = "1.2.0", id: String, status: Status, pid: Int32?, bundle: String,
                annotations: [String: String]? = nil) {
        self.ociVersion = ociVersion
        self.id = id
        self.status = status
        self.pid = pid
        self.bundle = bundle
        self.annotations = annotations
    }
}
