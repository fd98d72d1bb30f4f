import Foundation
import Runtime
import Testing

@Suite("AppArmor's user namespace restriction: doctor's verdict and the shipped profile")
struct AppArmorUsernsTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = "/home/ada/devbox/.build/debug/devbox"

    static func check(restriction: Int? = 1, uid: uid_t = 1000, label: String? = "unconfined\n",
                      profiles: String? = nil, binary: String? = binary) -> DoctorCheck? {
        AppArmorUserns.check(restriction: restriction, uid: uid, label: label, loadedProfiles: profiles, binary: binary)
    }

    @Test("no verdict without the restriction or as root, whatever the label",
          arguments: [(nil, 1000), (0, 1000), (2, 1000), (1, 0)] as [(Int?, uid_t)])
    func notRestricted(restriction: Int?, uid: uid_t) {
        #expect(Self.check(restriction: restriction, uid: uid, label: "unconfined\n") == nil)
    }

    @Test("running under the devbox profile is ok, whether or not the profile list is readable",
          arguments: ["devbox (unconfined)\n", "devbox (unconfined)", "devbox (enforce)\n", "devbox (unconfined)\n\0"])
    func underProfile(label: String) throws {
        let result = try #require(Self.check(label: label))
        #expect(result.status == .ok)
        #expect(result.fix == nil)
        #expect(result.detail == "AppArmor restricts them; devbox's profile grants them")
    }

    @Test("an unreadable label and a loaded devbox profile count as ok")
    func loadedProfileUnknownLabel() throws {
        let profiles = "bwrap (unconfined)\ndevbox (unconfined)\nunprivileged_userns (enforce)\n"
        let result = try #require(Self.check(label: nil, profiles: profiles))
        #expect(result.status == .ok)
        #expect(result.detail == "AppArmor restricts them; a devbox profile is loaded")
    }

    @Test("a profile whose name only starts with devbox is not devbox's",
          arguments: [("devboxer (unconfined)\n", nil), ("unconfined\n", "devboxer (unconfined)\n"), ("", nil)] as [(String?, String?)])
    func otherProfileNames(label: String?, profiles: String?) throws {
        let result = try #require(Self.check(label: label, profiles: profiles))
        #expect(result.status == .fail)
    }

    @Test("no profile: fails naming the binary, with make install, the two commands for this path, and the sysctl last")
    func noProfile() throws {
        let result = try #require(Self.check(label: "unconfined\n", profiles: nil))
        #expect(result.status == .fail)
        #expect(result.name == "user namespaces")
        #expect(result.detail == "AppArmor restricts unprivileged user namespaces (kernel.apparmor_restrict_unprivileged_userns=1) and no profile grants them to \(Self.binary)")
        let fix = try #require(result.fix)
        #expect(fix == "in a devbox checkout, `sudo make install` (installs /usr/local/bin/devbox and its AppArmor profile)"
            + "; or for \(Self.binary), in a devbox checkout: sed 's|@BINARY@|\(Self.binary)|' packaging/apparmor/devbox"
            + " | sudo tee /etc/apparmor.d/devbox >/dev/null && sudo apparmor_parser -r /etc/apparmor.d/devbox"
            + "; or for every program, as a last resort: sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0")
    }

    @Test("Ubuntu's fallback profile for unprofiled programs is not a grant")
    func unprivilegedUsernsLabel() throws {
        let result = try #require(Self.check(label: "unprivileged_userns (enforce)\n"))
        #expect(result.status == .fail)
    }

    @Test("a loaded devbox profile that this binary does not run under: says so and offers no make install")
    func loadedForAnotherPath() throws {
        let result = try #require(Self.check(label: "unconfined\n", profiles: "devbox (unconfined)\n"))
        #expect(result.status == .fail)
        #expect(result.detail == "AppArmor restricts unprivileged user namespaces, and the loaded devbox profile is for another path: \(Self.binary) runs as 'unconfined'")
        let fix = try #require(result.fix)
        #expect(!fix.contains("make install"))
        #expect(fix.hasPrefix("for \(Self.binary), in a devbox checkout: sed "))
    }

    @Test("paths that sed, the shell or AppArmor would read otherwise get no command, only the docs",
          arguments: ["/home/ada/my tools/devbox", "/opt/it's/devbox", "/a|b/devbox", "/opt/*/devbox", "relative/devbox", "/a&b/devbox"])
    func unsafePaths(path: String) throws {
        #expect(AppArmorUserns.installCommands(binary: path) == nil)
        let fix = try #require(Self.check(binary: path)?.fix)
        #expect(fix.contains("install packaging/apparmor/devbox for this binary's path by hand (docs/APPARMOR.md)"))
        #expect(!fix.contains("sed "))
    }

    @Test("an unknown binary path still gets make install and the sysctl")
    func unknownBinary() throws {
        let result = try #require(Self.check(binary: nil))
        #expect(result.detail.hasSuffix("no profile grants them to this devbox"))
        #expect(result.fix?.contains("`sudo make install`") == true)
        #expect(result.fix?.hasSuffix("sudo sysctl -w kernel.apparmor_restrict_unprivileged_userns=0") == true)
    }

    @Test("the shipped template grants userns, is unconfined otherwise, and names the placeholder doctor and the Makefile replace")
    func template() throws {
        let text = try String(contentsOf: Self.root.appendingPathComponent(AppArmorUserns.templatePath), encoding: .utf8)
        let rules = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        #expect(rules == [
            "abi <abi/4.0>,",
            "include <tunables/global>",
            "profile \(AppArmorUserns.profileName) \(AppArmorUserns.placeholder) flags=(unconfined) {",
            "userns,",
            "include if exists <local/\(AppArmorUserns.profileName)>",
            "}",
        ])
        let makefile = try String(contentsOf: Self.root.appendingPathComponent("Makefile"), encoding: .utf8)
        #expect(makefile.contains("APPARMOR_PROFILE := \(AppArmorUserns.templatePath)\n"))
        #expect(makefile.contains("sed \"s|\(AppArmorUserns.placeholder)|$$bin|\" $(APPARMOR_PROFILE)"))
        #expect(makefile.contains("/etc/apparmor.d/\(AppArmorUserns.profileName) "))
    }

    @Test("the command doctor prints renders the template for the path, placeholder gone")
    func renderCommandRuns() throws {
        let path = "/opt/dev-box_2.0+x/bin/devbox"
        let command = try #require(AppArmorUserns.renderCommand(binary: path))
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = Self.root
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        let rendered = String(decoding: data, as: UTF8.self)
        #expect(rendered.contains("\nprofile devbox \(path) flags=(unconfined) {\n"))
        #expect(!rendered.contains(AppArmorUserns.placeholder))
    }
}
