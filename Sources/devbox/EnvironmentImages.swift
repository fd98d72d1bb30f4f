import OCI
import Platform

/// Project environments record the image they were made from in
/// `containers/<id>/image`, so pruning keeps what they still use.
enum EnvironmentImages {
    static func inUse(dataDir: String) -> Set<Digest> {
        let containers = dataDir + "/containers"
        return Set(FileSystem.list(containers).compactMap { name in
            FileSystem.read(containers + "/" + name + "/image").flatMap { Digest($0.filter { !$0.isWhitespace }) }
        })
    }
}
