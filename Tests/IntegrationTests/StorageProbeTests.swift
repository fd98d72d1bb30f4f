import Foundation
import Testing

/// The storage probe (issue 12, item 1): what `devbox info` and `devbox
/// doctor` say about layering here, and the refusals they name, simulated
/// with a seccomp filter around devbox (Tests/fixtures/enosys.c).
@Suite("storage probe")
struct StorageProbeTests {
    static func info(_ s: Scratch, without calls: [String] = [], command: [String] = ["info", "--format", "json"]) throws -> (Int32, [String: Any], String) {
        let argv = calls.isEmpty ? s.command(command) : try OlderKernelTests.without(calls, s, command)
        let r = try Shell.run(argv, cwd: s.project)
        let json = (try? JSONSerialization.jsonObject(with: r.stdout)) as? [String: Any] ?? [:]
        return (r.status, json, r.out + r.stderr)
    }

    static func checks(_ json: [String: Any]) -> [String: (Bool, String)] {
        let storage = json["storage"] as? [String: Any] ?? [:]
        var out: [String: (Bool, String)] = [:]
        for check in storage["checks"] as? [[String: Any]] ?? [] {
            out[check["name"] as? String ?? ""] = (check["ok"] as? Bool ?? false, check["detail"] as? String ?? "")
        }
        return out
    }

    @Test("here overlay works in a user namespace: every check passes, the driver is overlay, and the answer is cached", arguments: Runner.all)
    func overlayHere(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let (status, json, text) = try Self.info(s)
        #expect(status == 0, "\(text)")
        let storage = json["storage"] as? [String: Any] ?? [:]
        #expect(storage["driver"] as? String == "overlay", "\(text)")
        let checks = Self.checks(json)
        for name in ["store filesystem", "overlay in a user namespace", "lower layers merged", "kernel-style whiteouts hide lower files",
                     "opaque directories", "delete through the merged view", "renameat2(RENAME_WHITEOUT)", "d_type"] {
            #expect(checks[name]?.0 == true, "\(name): \(checks[name]?.1 ?? "missing")")
        }
        #expect(FileManager.default.fileExists(atPath: s.data.appendingPathComponent("devbox/storage-probe.json").path))
        let text2 = try s.devbox(["info"]).out
        #expect(text2.contains("storage driver: overlay"), "\(text2)")
        // The probe leaves nothing behind in the store's tmp.
        let tmp = (try? FileManager.default.contentsOfDirectory(atPath: s.data.appendingPathComponent("devbox/tmp").path)) ?? []
        #expect(!tmp.contains { $0.hasPrefix("storage-probe-") }, "\(tmp)")
    }

    @Test("refusals are named: an overlay mount the kernel refuses, a filesystem without RENAME_WHITEOUT; doctor fails with the fix",
          arguments: Runner.all, [(["mount"], "overlay in a user namespace"), (["renameat2"], "renameat2(RENAME_WHITEOUT)")])
    func refusals(runner: Runner, refusal: ([String], String)) throws {
        let s = try Scratch(runner, isolated: true)
        let (status, json, text) = try Self.info(s, without: refusal.0)
        #expect(status == 0, "\(text)")
        #expect((json["storage"] as? [String: Any])?["driver"] as? String == "none", "\(text)")
        let check = Self.checks(json)[refusal.1]
        // ENOSYS from the filter; glibc's renameat2 answers EINVAL for it when flags are given.
        let named = check.map { $0.1.contains("Function not implemented") || $0.1.contains("Invalid argument") } ?? false
        #expect(check?.0 == false && named, "\(refusal.1): \(String(describing: check))")
        let (doctorStatus, _, doctor) = try Self.info(s, without: refusal.0, command: ["doctor"])
        // Where /dev/fuse opens for the runner, runs move to the FUSE driver
        // (a warning); else image runs copy and the host image cannot run.
        var st = stat()
        let fuse = stat("/dev/fuse", &st) == 0 && (runner.uid == 0 || st.st_mode & 0o006 == 0o006)
        if refusal.1 == "renameat2(RENAME_WHITEOUT)" {
            // The store's filesystem, not the kernel: FUSE's upper layer would meet it too.
            #expect(doctorStatus == 1 && doctor.contains("fail storage driver: the store's filesystem cannot hold overlay layers"), "\(doctor)")
        } else if fuse {
            // (doctor still fails: its own overlay checks meet the same refusal.)
            #expect(doctor.contains("warn storage driver: fuse: kernel overlay is refused"), "\(doctor)")
            _ = doctorStatus
            let (_, _, plain) = try Self.info(s, command: ["info"])
            #expect(plain.contains("storage driver: none (kernel overlay refused): runs use fuse"), "info says what runs use: \(plain)")
        } else {
            #expect(doctorStatus == 1 && doctor.contains("storage driver: copy: neither"), "\(doctor)")
        }
        #expect(doctor.contains("fix:"), "\(doctor)")
        // Without the filter the next doctor probes again and finds overlay.
        let (_, _, again) = try Self.info(s, command: ["doctor"])
        #expect(again.contains("storage driver: overlay"), "\(again)")
    }

    @Test("a probe that cannot run decides nothing: undetermined, not cached, and image runs keep overlay", arguments: Runner.all)
    func undetermined(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let (status, json, text) = try Self.info(s, without: ["unshare"])
        #expect(status == 0, "\(text)")
        #expect((json["storage"] as? [String: Any])?["driver"] as? String == "undetermined", "\(text)")
        #expect(!FileManager.default.fileExists(atPath: s.data.appendingPathComponent("devbox/storage-driver").path), "nothing cached")
        let (_, after, _) = try Self.info(s)
        #expect((after["storage"] as? [String: Any])?["driver"] as? String == "overlay", "the next probe decides")
    }
}
