/// What devbox does with each devcontainer.json key it does not read into
/// the definition: refuse it, pass over it, or pass over it with a warning.
/// Unknown keys are warned about, not refused: the spec's own tools ignore
/// them, and files carry keys of newer spec versions and other tools.
enum DevcontainerKeys {
    /// The keys the parser reads itself; the rest of what it reads is
    /// DevcontainerLayer.keys.
    static let own: Set<String> = ["name", "image", "workspaceFolder", "workspaceMount", "runArgs", "initializeCommand"]

    /// Keys that describe an environment devbox cannot make: running
    /// without them would give a container other than the one asked for.
    static let refused: [String: String] = [
        "build": build("build"),
        "dockerFile": build("dockerFile"),
        "dockerfile": build("dockerfile"),
        "features": "'features' is not supported: features are installed by building an image, which devbox cannot do yet; "
            + "use an image that already holds what they add",
        "dockerComposeFile": "'dockerComposeFile' is not supported: devbox runs one container from an image, not Docker Compose "
            + "services; give \"image\" instead",
    ]

    private static func build(_ key: String) -> String {
        "'\(key)' is not supported: devbox cannot build images yet; build the image elsewhere and name it with \"image\" "
            + "(a prebuilt one such as \"mcr.microsoft.com/devcontainers/base:ubuntu\" works too)"
    }

    /// Passed over in silence: schema and editor settings (including the
    /// pre-`customizations` VS Code keys older files still have), and
    /// settings for services devbox does not offer.
    static let ignored: Set<String> = ["$schema", "extensions", "settings", "secrets", "overrideFeatureInstallOrder"]

    /// Passed over, with the reason said once.
    static let warned: [String: String] = [
        "appPort": "'appPort' is ignored: devbox does not publish ports; the container shares the host's network unless runArgs says otherwise",
        "context": "'context' is ignored: it only matters when building an image",
        "service": "'service' is ignored: it belongs to Docker Compose configs",
        "runServices": "'runServices' is ignored: it belongs to Docker Compose configs",
    ]

    static var all: [String] {
        (own.union(DevcontainerLayer.keys).union(refused.keys).union(ignored).union(warned.keys)).sorted()
    }

    /// The known key an unknown one was probably meant to be: the same but
    /// for case, or at most two edits away.
    static func suggestion(for key: String) -> String? {
        // Long keys are nobody's typo, and the distance costs their length times each key's.
        guard key.utf8.count <= 64 else { return nil }
        let lower = key.lowercased()
        if let same = all.first(where: { $0.lowercased() == lower }) { return same }
        guard key.utf8.count >= 5 else { return nil }
        return all.map { ($0, distance(lower, $0.lowercased())) }.filter { $0.1 <= 2 }.min { $0.1 < $1.1 }?.0
    }

    /// Levenshtein distance over UTF-8 bytes (keys are ASCII).
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.utf8), b = Array(b.utf8)
        guard !a.isEmpty else { return b.count }
        guard !b.isEmpty else { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + [Int](repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
