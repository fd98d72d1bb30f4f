#if canImport(Glibc)
import Glibc
#endif

/// Whether AppArmor lets devbox create user namespaces, decided from what
/// the machine reports, so that it is tested without Ubuntu's kernel.
///
/// With `kernel.apparmor_restrict_unprivileged_userns=1` (Ubuntu 23.10 and
/// later, GitHub's ubuntu-24.04 runners) an unprivileged process may create
/// a user namespace only under a profile that grants `userns`. Without one
/// it is moved into the `unprivileged_userns` profile, which denies every
/// capability inside the namespace, so devbox's mounts fail. Root is not
/// restricted. devbox ships such a profile (packaging/apparmor/devbox);
/// `make install` loads it; docs/APPARMOR.md.
public enum AppArmorUserns {
    /// The profile's name, which is also the label a process running under
    /// it reads from `/proc/self/attr/current`: `devbox (unconfined)`.
    public static let profileName = "devbox"
    /// The shipped template, relative to a checkout, and the placeholder in
    /// it that stands for the binary's path (the Makefile's `sed` replaces it).
    public static let templatePath = "packaging/apparmor/devbox"
    public static let placeholder = "@BINARY@"
    public static let installedProfile = "/etc/apparmor.d/devbox"

    /// nil when AppArmor does not stand in the way (no restriction, or root);
    /// a failed check that `devbox doctor` reports as it is; or an ok one
    /// whose detail completes the probe's.
    /// - restriction: `kernel.apparmor_restrict_unprivileged_userns`, nil when absent
    /// - label: the text of `/proc/self/attr/current`, nil when unreadable
    /// - loadedProfiles: `/sys/kernel/security/apparmor/profiles`, nil when
    ///   unreadable (only root may read it on some systems)
    /// - binary: the running executable's real path
    public static func check(restriction: Int?, uid: uid_t, label: String?, loadedProfiles: String?, binary: String?) -> DoctorCheck? {
        guard restriction == 1, uid != 0 else { return nil }
        let name = "user namespaces"
        let running = label.map(labelName).flatMap { $0.isEmpty ? nil : $0 }
        if running == profileName {
            return .init(name: name, status: .ok, detail: "AppArmor restricts them; devbox's profile grants them", fix: nil)
        }
        let loaded = loadedProfiles?.split(separator: "\n").contains { $0.hasPrefix(profileName + " ") } ?? false
        if loaded && running == nil {
            return .init(name: name, status: .ok, detail: "AppArmor restricts them; a devbox profile is loaded", fix: nil)
        }
        let me = binary ?? "this devbox"
        if loaded, let running {
            return .init(name: name, status: .fail,
                         detail: "AppArmor restricts unprivileged user namespaces, and the loaded devbox profile is for another path: \(me) runs as '\(running)'",
                         fix: fix(binary: binary, makeInstall: false))
        }
        return .init(name: name, status: .fail,
                     detail: "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1) and no profile grants them to \(me)",
                     fix: fix(binary: binary, makeInstall: true))
    }

    /// `devbox (unconfined)` → `devbox`; `unconfined` stays as it is.
    static func labelName(_ text: String) -> String {
        String(text.split { $0.isWhitespace || $0 == "\0" }.first ?? "")
    }

    /// The shell command, run in a checkout, that prints the profile for
    /// `binary`; nil when the path holds characters that `sed`'s replacement
    /// text, the shell's quotes or AppArmor's path globs would read.
    public static func renderCommand(binary: String) -> String? {
        let plain = binary.hasPrefix("/") && binary.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || "/._-+".utf8.contains(byte)
        }
        guard plain else { return nil }
        return "sed 's|\(placeholder)|\(binary)|' \(templatePath)"
    }

    /// The two commands that install and load the profile for `binary`.
    public static func installCommands(binary: String) -> String? {
        renderCommand(binary: binary).map {
            "\($0) | sudo tee \(installedProfile) >/dev/null && sudo apparmor_parser -r \(installedProfile)"
        }
    }

    static func fix(binary: String?, makeInstall: Bool) -> String {
        var ways: [String] = []
        if makeInstall {
            ways.append("in a devbox checkout, `sudo make install` (installs /usr/local/bin/devbox and its AppArmor profile)")
        }
        if let binary, let commands = installCommands(binary: binary) {
            ways.append("for \(binary), in a devbox checkout: \(commands)")
        } else {
            ways.append("install \(templatePath) for this binary's path by hand (docs/APPARMOR.md)")
        }
        ways.append("for every program, as a last resort: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")
        return ways.joined(separator: "; or ")
    }
}
