/// Where a project's persistent environment lives in the data directory:
/// `containers/<project-id>/{upper,work,home}`.
public struct ContainerLayout: Equatable, Sendable {
    public var directory: String

    /// One environment per project and image: switching images must not
    /// mix one image's changes into another's.
    public init(dataDir: String, project: Project, image: ImageRoot? = nil) {
        directory = dataDir + "/containers/" + project.id + (image.map { "-" + $0.manifestDigest.short } ?? "")
    }

    /// A named container's own directory.
    public init(directory: String) {
        self.directory = directory
    }

    /// The manifest digest of the image the environment was made from.
    public var imageRecord: String { directory + "/image" }

    public var upper: String { directory + "/upper" }
    public var work: String { directory + "/work" }
    public var home: String { directory + "/home" }
    public func work(run: String) -> String { work + "/" + run }
}
