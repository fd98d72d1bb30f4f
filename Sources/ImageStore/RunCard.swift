import OCI
import Platform
#if canImport(Glibc)
import Glibc
#endif

/// What `devbox run IMAGE` needs of a stored image, kept per name so the
/// run does not decode refs.json, the manifest and the config with
/// JSONDecoder on every start (that code alone was most of an image run's
/// peak RSS). `images/runcards/<sha256 of the name>`: NUL-separated `tag
/// value` records, ending with a record of the bytes before it.
///
/// A card holds for as long as refs.json is the very file it was made from
/// (inode, size, modification time): any tag change rewrites that file.
public struct RunCard: Equatable, Sendable {
    public var reference: String
    public var manifestDigest: Digest
    /// Layer digests, bottom-most first (the manifest's order).
    public var layers: [Digest]
    public var execution: ImageConfig.Execution

    public init(reference: String, manifestDigest: Digest, layers: [Digest], execution: ImageConfig.Execution) {
        self.reference = reference
        self.manifestDigest = manifestDigest
        self.layers = layers
        self.execution = execution
    }

    public init(_ image: StoredImage) {
        self.init(reference: image.reference, manifestDigest: image.manifestDigest, layers: image.manifest.layers.map(\.digest),
                  execution: image.config.config ?? .init())
    }

    static func path(_ layout: StoreLayout, name: String) -> String {
        layout.root + "/images/runcards/" + SHA256.hex(Array(name.utf8))
    }

    /// Which refs.json a card was made from.
    static func refsStamp(_ layout: StoreLayout) -> String? {
        var st = stat()
        guard stat(layout.refs, &st) == 0 else { return nil }
        return "\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec):\(st.st_mtim.tv_nsec)"
    }

    /// The card for `name`, if one was made from the current refs.json.
    public static func load(_ layout: StoreLayout, name: String) -> RunCard? {
        guard let stamp = refsStamp(layout), let bytes = FileSystem.readBytes(path(layout, name: name), limit: 4 << 20) else { return nil }
        var fields: [String: String] = [:]
        var lists: [String: [String]] = [:]
        var complete = false
        var start = 0
        for end in bytes.indices where bytes[end] == 0 {
            let record = bytes[start..<end]
            start = end + 1
            guard let space = record.firstIndex(of: 0x20) else { return nil }
            let tag = String(decoding: record[record.startIndex..<space], as: UTF8.self)
            let value = String(decoding: record[(space + 1)...], as: UTF8.self)
            switch tag {
            case "end": complete = Int(value) == record.startIndex && end == bytes.count - 1
            case "layer", "env", "entrypoint", "cmd": lists[tag, default: []].append(value)
            default: fields[tag] = value
            }
        }
        guard complete, fields["card"] == "1", fields["refs"] == stamp, fields["name"] == name, let reference = fields["reference"],
              let digest = fields["manifest"].flatMap({ Digest($0) }) else { return nil }
        let layers = (lists["layer"] ?? []).compactMap { Digest($0) }
        guard layers.count == (lists["layer"] ?? []).count else { return nil }
        var execution = ImageConfig.Execution(User: fields["user"], Env: lists["env"], Entrypoint: lists["entrypoint"],
                                              Cmd: lists["cmd"], WorkingDir: fields["workdir"])
        // An empty list and no list differ (an image's Cmd: [] clears).
        if fields["entrypoint.set"] == "1", execution.Entrypoint == nil { execution.Entrypoint = [] }
        if fields["cmd.set"] == "1", execution.Cmd == nil { execution.Cmd = [] }
        // The one label a run reads: config other tools baked into the image.
        if let metadata = fields[RunCard.metadataTag] { execution.Labels = [RunCard.metadataLabel: metadata] }
        return RunCard(reference: reference, manifestDigest: digest, layers: layers, execution: execution)
    }

    /// Writes the card; a failure only costs the next run its shortcut.
    public func save(_ layout: StoreLayout, name: String, refsStampBefore stamp: String?) {
        guard let stamp, RunCard.refsStamp(layout) == stamp else { return }
        var out: [UInt8] = []
        func add(_ tag: String, _ value: String) {
            out += Array(tag.utf8) + [0x20] + Array(value.utf8) + [0]
        }
        add("card", "1")
        add("name", name)
        add("refs", stamp)
        add("reference", reference)
        add("manifest", manifestDigest.description)
        for layer in layers { add("layer", layer.description) }
        if let user = execution.User { add("user", user) }
        if let dir = execution.WorkingDir { add("workdir", dir) }
        for entry in execution.Env ?? [] { add("env", entry) }
        if let entrypoint = execution.Entrypoint { add("entrypoint.set", "1"); for word in entrypoint { add("entrypoint", word) } }
        if let cmd = execution.Cmd { add("cmd.set", "1"); for word in cmd { add("cmd", word) } }
        if let metadata = execution.Labels?[RunCard.metadataLabel], !metadata.utf8.contains(0) { add(RunCard.metadataTag, metadata) }
        add("end", String(out.count))
        let path = RunCard.path(layout, name: name)
        let dir = String(path[..<(path.lastIndex(of: "/") ?? path.endIndex)])
        guard FileSystem.makeDirectories(dir, mode: 0o700) else { return }
        let tmp = path + ".tmp-\(getpid())"
        if FileSystem.writeBytes(tmp, out) { rename(tmp, path) } else { unlink(tmp) }
    }

    public static func stamp(_ layout: StoreLayout) -> String? { refsStamp(layout) }

    /// devcontainer.json settings baked into an image by other tools.
    public static let metadataLabel = "devcontainer.metadata"
    static let metadataTag = "label.devcontainer.metadata"
}
