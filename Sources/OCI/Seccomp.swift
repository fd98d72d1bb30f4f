// linux.seccomp of the OCI runtime spec, which is also the format of the
// seccomp profiles Docker, podman, crun and runc read (Docker adds
// includes/excludes conditions, honoured for capabilities and architectures).
public struct LinuxSeccomp: Codable, Equatable, Sendable {
    public var defaultAction: String
    public var defaultErrnoRet: UInt32?
    public var architectures: [String]?
    public var syscalls: [Syscall]?

    public init(defaultAction: String, defaultErrnoRet: UInt32? = nil, architectures: [String]? = nil, syscalls: [Syscall]?) {
        self.defaultAction = defaultAction
        self.defaultErrnoRet = defaultErrnoRet
        self.architectures = architectures
        self.syscalls = syscalls
    }

    public struct Syscall: Codable, Equatable, Sendable {
        public var names: [String]
        public var action: String
        public var errnoRet: UInt32?
        public var args: [Arg]?
        public var includes: Filter?
        public var excludes: Filter?

        public init(names: [String], action: String, errnoRet: UInt32? = nil, args: [Arg]? = nil) {
            self.names = names
            self.action = action
            self.errnoRet = errnoRet
            self.args = args
        }
    }

    public struct Arg: Codable, Equatable, Sendable {
        public var index: UInt32
        public var value: UInt64
        public var valueTwo: UInt64?
        public var op: String

        public init(index: UInt32, value: UInt64, valueTwo: UInt64? = nil, op: String) {
            self.index = index
            self.value = value
            self.valueTwo = valueTwo
            self.op = op
        }
    }

    /// Docker's conditions on a rule.
    public struct Filter: Codable, Equatable, Sendable {
        public var caps: [String]?
        public var arches: [String]?
        public var minKernel: String?
    }
}
