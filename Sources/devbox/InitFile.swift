import OCI
import Platform
import Project
#if canImport(Glibc)
import Glibc
#endif

/// One file `devbox init` writes: planned (where, what, which mode) by the
/// static functions, written by `write(force:)`.
struct InitFile: Equatable {
    var path: String
    var contents: String
    /// The wrapper script: 0755 whatever the umask, as a committed script
    /// needs its x bits for git to record them.
    var executable = false

    static func devboxToml(root: String, image: String?) throws(InitError) -> InitFile {
        let path = join(root, "devbox.toml")
        let contents = InitTemplates.devboxToml(image: try checked(image))
        // What init writes, devbox must read: a template the parser refuses
        // would be a file that breaks every later run.
        do { _ = try ProjectConfig.definition(contents, file: path) } catch {
            throw .badImage(image ?? "")
        }
        return InitFile(path: path, contents: contents)
    }

    static func devcontainer(root: String, image: String?) throws(InitError) -> InitFile {
        let name = root.split(separator: "/").last.map(String.init) ?? "project"
        return InitFile(path: join(root, ".devcontainer/devcontainer.json"),
                        contents: InitTemplates.devcontainerJSON(name: name, image: try checked(image)))
    }

    /// `output` as the user gave it (relative to `cwd`), or nil for `dev`
    /// in the root; an existing directory gets `dev` inside it.
    static func wrapper(root: String, output: String?, cwd: String) throws(InitError) -> InitFile {
        var target = output.map { $0.hasPrefix("/") ? $0 : join(cwd, $0) } ?? join(root, "dev")
        if FileSystem.isDirectory(target) { target = join(target, "dev") }
        let slash = target.utf8.lastIndex(of: UInt8(ascii: "/")) ?? target.utf8.startIndex
        let directory = slash == target.utf8.startIndex ? "/" : String(target[..<slash])
        let name = String(target[target.utf8.index(after: slash)...])
        // Compared as the script will see them: `cd -P` resolves symlinks.
        guard let realDirectory = FileSystem.realPath(directory), FileSystem.isDirectory(realDirectory) else {
            throw .noSuchDirectory(directory)
        }
        let realRoot = FileSystem.realPath(root) ?? root
        let depth: Int
        if realDirectory == realRoot {
            depth = 0
        } else if realDirectory.hasPrefix(realRoot == "/" ? "/" : realRoot + "/") {
            depth = realDirectory.dropFirst(realRoot.count).split(separator: "/").count
        } else {
            throw .outputOutsideProject(output: output ?? target, root: root)
        }
        let toRoot = depth == 0 ? "." : Array(repeating: "..", count: depth).joined(separator: "/")
        return InitFile(path: join(realDirectory, name.isEmpty ? "dev" : name), contents: InitTemplates.wrapper(toRoot: toRoot), executable: true)
    }

    /// Creates the file, or with `force` replaces it whole (a reader never
    /// sees half of it). Without `force` an existing file, or a symlink
    /// where it would go, is left alone.
    func write(force: Bool) throws(InitError) {
        let mode: mode_t = executable ? 0o755 : 0o644
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/")) ?? path.utf8.startIndex
        let directory = String(path[..<slash])
        if !directory.isEmpty, !FileSystem.makeDirectories(directory) {
            throw .cannotWrite(path, reason: "cannot create \(directory): \(String(cString: strerror(errno)))")
        }
        if force {
            if FileSystem.isDirectory(path) { throw .cannotWrite(path, reason: "it is a directory") }
            guard FileSystem.writeAtomically(path, contents: contents, mode: mode) else {
                throw .cannotWrite(path, reason: String(cString: strerror(errno)))
            }
        } else if !FileSystem.writeBytes(path, Array(contents.utf8), mode: mode) {
            let error = errno
            if error == EEXIST { throw .exists(path) }
            // O_EXCL made it ours: a half-written file must not stay behind to block the next try.
            if FileSystem.exists(path) { unlink(path) }
            throw .cannotWrite(path, reason: String(cString: strerror(error)))
        }
        // The umask may have taken the x bits the script needs.
        if executable, chmod(path, mode) != 0 {
            throw .cannotWrite(path, reason: "cannot make it executable: \(String(cString: strerror(errno)))")
        }
    }

    static func checked(_ image: String?) throws(InitError) -> String? {
        guard let image else { return nil }
        guard (try? ImageReference(parsing: image)) != nil, !image.utf8.contains(where: { $0 <= 32 || $0 == 127 }) else {
            throw .badImage(image)
        }
        return image
    }

    static func join(_ directory: String, _ name: String) -> String {
        directory == "/" ? "/" + name : directory + "/" + name
    }
}
