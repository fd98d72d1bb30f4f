// Lifecycle hooks of the runtime spec (config.md#posix-platform-hooks).
extension RuntimeSpec {
    /// runtime-spec config.md#posix-platform-hooks.
    public struct Hooks: Codable, Equatable, Sendable {
        /// Deprecated in the spec, still written by older tools: run where createRuntime runs.
        public var prestart: [Hook]?
        public var createRuntime: [Hook]?
        public var createContainer: [Hook]?
        public var startContainer: [Hook]?
        public var poststart: [Hook]?
        public var poststop: [Hook]?

        public init() {}
    }

    public struct Hook: Codable, Equatable, Sendable {
        public var path: String
        public var args: [String]?
        public var env: [String]?
        public var timeout: Int?

        public init(path: String, args: [String]? = nil, env: [String]? = nil, timeout: Int? = nil) {
            self.path = path
            self.args = args
            self.env = env
            self.timeout = timeout
        }
    }
}
