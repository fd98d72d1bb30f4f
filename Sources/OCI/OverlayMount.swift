/// devbox's overlay mounts in a runtime spec (docs/OCI.md): `type: overlay`
/// with the kernel's own option names, `lowerdir=` (the layers, top-most
/// first) and, for a kept writable layer, `upperdir=` and `workdir=`. One
/// without `upperdir` gets a throwaway layer in the run's private scratch
/// tmpfs (`--rm`). Two `x-` options, which are never passed to the kernel,
/// name the FUSE driver and its ownership view.
public enum OverlayMount {
    /// Served by devbox's FUSE overlay instead of kernel overlayfs (the same
    /// on-disk layers).
    public static let fuseOption = "x-devbox.fuse"
    /// With the FUSE driver: owners the user namespace cannot map show as
    /// the container's root.
    public static let squashOption = "x-devbox.squash-to-root"

    /// A directory name for a mount destination's layer: "/usr/local" ->
    /// "usr%2Flocal", "/" -> "root". Upper and work directories of the
    /// mounts of one container are these names under one directory each.
    public static func layerKey(_ destination: String) -> String {
        var key = ""
        for ch in destination.drop(while: { $0 == "/" }) {
            switch ch {
            case "/": key += "%2F"
            case "%": key += "%25"
            default: key.append(ch)
            }
        }
        return key.isEmpty ? "root" : key
    }

    /// Gives every overlay mount its writable layer: `<upper>/<key>` and
    /// `<work>/<key>`, or none (`upper` nil: throwaway, in scratch), and
    /// the FUSE options.
    public static func attachLayers(to mounts: inout [RuntimeSpec.Mount], upper: String?, work: String?,
                                    fuse: Bool, squashToRoot: Bool) {
        for i in mounts.indices where mounts[i].type == "overlay" {
            let key = layerKey(mounts[i].destination)
            var options = mounts[i].options ?? []
            if let upper, let work { options += ["upperdir=" + upper + "/" + key, "workdir=" + work + "/" + key] }
            if fuse { options.append(fuseOption) }
            if fuse && squashToRoot { options.append(squashOption) }
            mounts[i].options = options
        }
    }
}

extension RuntimeSpec {
    /// Whether any overlay is served by the FUSE driver (the mount option,
    /// or the annotation containers created before it carry).
    public var usesFuseOverlay: Bool {
        mounts.contains { $0.type == "overlay" && $0.hasOption(OverlayMount.fuseOption) }
            || annotations?[DevboxAnnotation.storageDriver] == "fuse"
    }
}
