/// Where a project's persistent environment lives in the data directory:
/// `containers/<project-id>/{upper,work,home}`.
public struct ContainerLayout: Equatable, Sendable {
    public var directory: String

    public init(dataDir: String, project: Project) {
        directory = dataDir + "/containers/" + project.id
    }

    public var upper: String { directory + "/upper" }
    public var work: String { directory + "/work" }
    public var home: String { directory + "/home" }
    public func work(run: String) -> String { work + "/" + run }
}
