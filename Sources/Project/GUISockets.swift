import Platform

/// `--gui`: the user's display, shared on request (never by a project's
/// config): X11's socket directory and authority file, the Wayland
/// compositor's socket, at fixed places inside with the variables set.
public enum GUISockets {
    public struct Shared: Equatable, Sendable {
        /// `-v` values, read-only.
        public var volumes: [String] = []
        public var environment: [String] = []
    }

    public static let waylandInside = "/run/devbox/wayland-0"
    public static let xauthorityInside = "/run/devbox/Xauthority"

    /// `exists`: injected so the rule is testable.
    public static func share(_ env: [String: String], exists: (String) -> Bool = FileSystem.exists) throws(PlanError) -> Shared {
        var shared = Shared()
        if let display = env["DISPLAY"], !display.isEmpty, exists("/tmp/.X11-unix") {
            shared.volumes.append("/tmp/.X11-unix:/tmp/.X11-unix:ro")
            shared.environment.append("DISPLAY=\(display)")
            if let authority = env["XAUTHORITY"], authority.hasPrefix("/"), !authority.contains(":"), exists(authority) {
                shared.volumes.append("\(authority):\(xauthorityInside):ro")
                shared.environment.append("XAUTHORITY=\(xauthorityInside)")
            }
        }
        if let wayland = env["WAYLAND_DISPLAY"], !wayland.isEmpty {
            let socket = wayland.hasPrefix("/") ? wayland : (env["XDG_RUNTIME_DIR"] ?? "") + "/" + wayland
            if socket.hasPrefix("/"), !socket.contains(":"), exists(socket) {
                shared.volumes.append("\(socket):\(waylandInside)")
                shared.environment.append("WAYLAND_DISPLAY=\(waylandInside)")
            }
        }
        guard !shared.volumes.isEmpty else { throw .noDisplay }
        return shared
    }
}
