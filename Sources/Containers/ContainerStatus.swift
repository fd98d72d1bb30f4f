import Platform

/// Where a container is in its life, as podman names the states.
public enum LifeState: String, Codable, Sendable {
    case created, running, exited

    /// The OCI runtime spec's name for it.
    public var oci: String {
        switch self {
        case .created: return "created"
        case .running: return "running"
        case .exited: return "stopped"
        }
    }
}

/// The changing half of a container: `<data>/containers/<id>/status.json`,
/// written atomically by whoever changes it (the supervisor at start and
/// exit). "running" is only believed while the supervisor's lock is held
/// and PID 1 is the process recorded (see ContainerStore.status).
public struct ContainerStatus: Codable, Equatable, Sendable {
    public var state: LifeState
    /// PID 1 on the host, with its start time.
    public var pid1: ProcessIdentity?
    /// The supervisor's pid (what `stop` may wait on).
    public var supervisor: Int32?
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?
    public var exitCode: Int32?
    /// The setup failed before the command ran; the reason.
    public var error: String?
    public var restartCount: Int

    public init(state: LifeState = .created, pid1: ProcessIdentity? = nil, supervisor: Int32? = nil, startedAt: Timestamp? = nil,
                finishedAt: Timestamp? = nil, exitCode: Int32? = nil, error: String? = nil, restartCount: Int = 0) {
        self.state = state
        self.pid1 = pid1
        self.supervisor = supervisor
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.error = error
        self.restartCount = restartCount
    }

    public var isRunning: Bool { state == .running }

    /// "Up 5 minutes", "Exited (0) 2 seconds ago", "Created": podman's words.
    public func summary(now: Timestamp = .now()) -> String {
        switch state {
        case .created: return "Created"
        case .running: return "Up " + Timestamp.age(from: startedAt ?? now, to: now)
        case .exited:
            let code = exitCode.map(String.init) ?? "?"
            return "Exited (\(code)) " + Timestamp.age(from: finishedAt ?? now, to: now) + " ago"
        }
    }
}
