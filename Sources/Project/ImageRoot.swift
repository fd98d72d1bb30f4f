import OCI
import Platform

/// An image to run, as planning needs it: already unpacked layers, the
/// image's configuration and its own /etc/passwd and /etc/group.
public struct ImageRoot: Equatable, Sendable {
    public var reference: String
    public var manifestDigest: Digest
    /// Layer directories, top-most first, each once.
    public var layers: [String]
    public var config: ImageConfig.Execution
    public var passwd: String?
    public var group: String?

    public init(reference: String, manifestDigest: Digest, layers: [String], config: ImageConfig.Execution,
                passwd: String?, group: String?) {
        self.reference = reference
        self.manifestDigest = manifestDigest
        // Images may list one layer more than once (older Docker images
        // repeat the empty layer). Overlayfs refuses a directory twice
        // (ELOOP), and the top-most copy alone gives the same view: it
        // re-adds on top whatever the layers between changed.
        var seen = Set<String>()
        self.layers = layers.filter { seen.insert($0).inserted }
        self.config = config
        self.passwd = passwd
        self.group = group
    }
}

/// The image's `User` ("name", "uid", "name:group", "uid:gid") resolved
/// against the image's own account files, never the host's.
public enum ImageUser {
    public struct Resolved: Equatable, Sendable {
        public var uid: UInt32
        public var gid: UInt32
        public var home: String
    }

    public static func resolve(_ spec: String?, passwd: String?, group: String?) throws(PlanError) -> Resolved {
        guard let spec, !spec.isEmpty else { return Resolved(uid: 0, gid: 0, home: home(uid: 0, passwd: passwd) ?? "/root") }
        let parts = spec.split(separator: ":", maxSplits: 1).map(String.init)
        let entries = accounts(passwd)
        let user: (uid: UInt32, gid: UInt32, home: String)
        if let uid = UInt32(parts[0]) {
            let entry = entries.first { $0.uid == uid }
            user = (uid, entry?.gid ?? uid, entry?.home ?? "/")
        } else if let entry = entries.first(where: { $0.name == parts[0] }) {
            user = (entry.uid, entry.gid, entry.home)
        } else {
            throw .unknownImageUser(parts[0])
        }
        var gid = user.gid
        if parts.count == 2 {
            if let numeric = UInt32(parts[1]) {
                gid = numeric
            } else if let entry = accounts(group).first(where: { $0.name == parts[1] }) {
                gid = entry.uid
            } else {
                throw .unknownImageUser(parts[1])
            }
        }
        return Resolved(uid: user.uid, gid: gid, home: user.home)
    }

    /// The login shell passwd gives the user; nil when it gives none.
    public static func shell(uid: UInt32, passwd: String?) -> String? {
        for line in ASCII.split(passwd ?? "", on: UInt8(ascii: "\n")) {
            let f = ASCII.split(line, on: UInt8(ascii: ":"), keepEmpty: true)
            if f.count >= 7, UInt32(f[2]) == uid, f[6].hasPrefix("/") { return String(f[6]) }
        }
        return nil
    }

    static func home(uid: UInt32, passwd: String?) -> String? {
        accounts(passwd).first { $0.uid == uid }?.home
    }

    /// passwd (`name:x:uid:gid:gecos:home:shell`) or group (`name:x:gid:...`).
    static func accounts(_ text: String?) -> [(name: String, uid: UInt32, gid: UInt32, home: String)] {
        ASCII.split(text ?? "", on: UInt8(ascii: "\n")).compactMap { line in
            let f = ASCII.split(line, on: UInt8(ascii: ":"), keepEmpty: true)
            guard f.count >= 3, let id = UInt32(f[2]) else { return nil }
            let gid = f.count > 3 ? UInt32(f[3]) ?? id : id
            return (String(f[0]), id, gid, f.count > 5 ? String(f[5]) : "/")
        }
    }
}
