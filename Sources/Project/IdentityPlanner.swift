import OCI

/// Who the user is inside: the uid/gid maps and the process's ids.
public struct Identity: Equatable, Sendable {
    public var uidMappings: [RuntimeSpec.IDMapping]
    public var gidMappings: [RuntimeSpec.IDMapping]
    public var uid: UInt32
    public var gid: UInt32
    /// Maps with more than the user's own id need newuidmap/newgidmap.
    public var needsHelpers: Bool
    public var notes: [String]
}

public enum IdentityPlanner {
    /// The id a host id has inside under `mappings`; nil when unmapped.
    public static func inside(_ id: UInt32, _ mappings: [RuntimeSpec.IDMapping]) -> UInt32? {
        for m in mappings where id >= m.hostID && UInt64(id - m.hostID) < UInt64(m.size) {
            return m.containerID + (id - m.hostID)
        }
        return nil
    }

    public static func plan(mode: RunOptions.UserNamespaceMode, host: HostFacts) -> Identity {
        var inside: (uid: UInt32, gid: UInt32) = (0, 0)
        if case .keepID(let uid, let gid) = mode { inside = (uid ?? host.uid, gid ?? host.gid) }
        if host.uid == 0 {
            // Real root maps the whole id space to itself: no helpers needed;
            // `keep-id:uid=U,gid=G` then simply runs as U/G.
            let all = [RuntimeSpec.IDMapping(containerID: 0, hostID: 0, size: UInt32.max)]
            return Identity(uidMappings: all, gidMappings: all, uid: inside.uid, gid: inside.gid, needsHelpers: false, notes: [])
        }
        if let subUID = host.subordinateUIDs, let subGID = host.subordinateGIDs,
           host.newuidmap != nil, host.newgidmap != nil, !host.noNewPrivileges {
            return Identity(uidMappings: maps(own: host.uid, inside: inside.uid, range: subUID),
                            gidMappings: maps(own: host.gid, inside: inside.gid, range: subGID),
                            uid: inside.uid, gid: inside.gid, needsHelpers: true, notes: [])
        }
        var notes: [String] = []
        if host.subordinateUIDs == nil || host.subordinateGIDs == nil {
            notes.append("no range for uid \(host.uid) in /etc/subuid or /etc/subgid: only the user's own id is mapped (files of other owners appear as nobody)")
        } else if host.newuidmap == nil || host.newgidmap == nil {
            notes.append("newuidmap/newgidmap not found (install uidmap): only the user's own id is mapped")
        } else {
            notes.append("no_new_privs is set on devbox (it runs inside a sandbox), so newuidmap/newgidmap cannot map the /etc/subuid range: only the user's own id is mapped")
        }
        return Identity(uidMappings: [.init(containerID: inside.uid, hostID: host.uid, size: 1)],
                        gidMappings: [.init(containerID: inside.gid, hostID: host.gid, size: 1)],
                        uid: inside.uid, gid: inside.gid, needsHelpers: false, notes: notes)
    }

    /// The user's own id at `inside`, the subordinate range filling the rest
    /// of 0..<count+1 around it (podman's layout for both modes).
    static func maps(own: UInt32, inside: UInt32, range: HostFacts.IDRange) -> [RuntimeSpec.IDMapping] {
        var result: [RuntimeSpec.IDMapping] = []
        let below = min(inside, range.count)
        if below > 0 { result.append(.init(containerID: 0, hostID: range.start, size: below)) }
        result.append(.init(containerID: inside, hostID: own, size: 1))
        if range.count > below {
            result.append(.init(containerID: inside + 1, hostID: range.start + below, size: range.count - below))
        }
        return result
    }
}
