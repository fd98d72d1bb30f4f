import Foundation
import Testing

/// Store writers, runs and prune at the same time (docs/ARCHITECTURE.md,
/// "Images: concurrency").
@Suite("the image store under concurrent devbox processes")
struct StoreConcurrencyTests {
    @Test("prune in a loop while pulls, loads, imports and runs go on: every one succeeds", arguments: Runner.all)
    func pruneLoop(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        let registry = try LocalRegistry()
        try registry.push(layout: try fixture("layout", "c:1", in: s), name: "c:1", as: "conc/p:1")
        let layout = try fixture("layout", "l:1", in: s)
        let tarball = try smallRootfs(s)
        #expect(try s.devbox(["load", "-i", layout, "r:1"]).status == 0)
        let stop = s.root.appendingPathComponent("stop").path
        let errors = s.root.appendingPathComponent("prune-errors").path
        // Each worker removes its image after using it, so prune always has
        // something to take while the next round writes the same content.
        let step = #"step() { out=$("$@" 2>&1) || { echo "FAILED: $* -> $out"; return 1; }; }; D="$DEVBOX"; "#
        let workers = [
            #"for i in 1 2 3; do step "$D" pull -q \#(registry.host)/conc/p:1 && echo "pull $i $("$D" run --rm \#(registry.host)/conc/p:1 -- cat /d/x 2>&1)" && step "$D" rmi \#(registry.host)/conc/p:1; done"#,
            #"for i in 1 2 3; do step "$D" load -i \#(layout) l:1 && echo "load $i $("$D" run --rm l:1 -- cat /f 2>&1)" && step "$D" rmi l:1; done"#,
            #"for i in 1 2 3; do step "$D" import \#(tarball) i:1 && echo "import $i $("$D" run --rm i:1 -- cat /marker 2>&1)" && step "$D" rmi i:1; done"#,
            #"for i in 1 2 3; do echo "run $i $("$D" run --rm r:1 -- cat /d/x 2>&1)"; done"#,
        ]
        let pruneLoop = #"n=0; while [ ! -e \#(stop) ]; do "$DEVBOX" image prune >/dev/null 2>\#(errors) || { echo "prune exited $?"; cat \#(errors); }; n=$((n+1)); done; echo "prunes $n""#
        let pruner = try Shell.start(shellCommand(s, pruneLoop), cwd: s.project)
        let running = try workers.map { try Shell.start(shellCommand(s, step + $0), cwd: s.project) }
        var lines: [String] = []
        for worker in running {
            let r = try Shell.finish(worker, timeout: 300)
            #expect(r.status == 0, "\(r.stderr)")
            lines += r.out.split(separator: "\n").map(String.init)
        }
        FileManager.default.createFile(atPath: stop, contents: nil)
        let pruned = try Shell.finish(pruner, timeout: 60)
        #expect(pruned.out.hasPrefix("prunes ") && !pruned.out.contains("exited"), "\(pruned.out)")
        #expect((Int(pruned.out.dropFirst(7).filter(\.isNumber)) ?? 0) >= 2, "prune ran during the work: \(pruned.out)")
        let expected = (1...3).flatMap { ["pull \($0) v2", "load \($0) back", "import \($0) imported", "run \($0) v2"] }
        #expect(lines.sorted() == expected.sorted(), "\(lines)")
        let prune = try s.devbox(["image", "prune"])
        #expect(prune.status == 0, "\(prune.stderr)")
        let state = StoreState(s)
        #expect(state.tmp == [".lock"] && state.layers.count == 3 && state.blobs.count == 5, "only r:1 is left: \(state)")
        try expectStoreVerifies(s)
    }

    @Test("a running container's image survives rmi and prune; prune frees it after the run", arguments: Runner.all)
    func runLease(runner: Runner) throws {
        let s = try Scratch(runner, isolated: true)
        #expect(try s.devbox(["load", "-i", try fixture("layout", "lease:1", in: s)]).status == 0)
        let ready = s.project.appendingPathComponent("ready").path
        let running = try Shell.start(s.command(["run", "--rm", "lease:1", "--", "/bin/sh", "-c",
                                                 "echo > \(ready); read go; cat /d/x /f"]), cwd: s.project)
        try waitFor(seconds: 20) { FileManager.default.fileExists(atPath: ready) }
        #expect(try s.devbox(["rmi", "lease:1"]).out == "untagged docker.io/library/lease:1\n")
        let prune = try s.devbox(["image", "prune"])
        #expect(prune.status == 0 && prune.out == "freed 0 B\n", "\(prune.out) \(prune.stderr)")
        #expect(StoreState(s).layers.count == 3)
        let r = try Shell.finish(running, stdin: Data("go\n".utf8))
        #expect(r.status == 0 && r.out == "v2\nback\n", "\(r.stderr)")
        let after = try s.devbox(["image", "prune"])
        #expect(after.status == 0 && after.out != "freed 0 B\n", "\(after.out)")
        let state = StoreState(s)
        #expect(state.blobs == [] && state.layers == [] && state.tmp == [".lock"], "\(state)")
    }

    @Test("kill -9 of import or load mid-unpack: the unpacking process dies with it",
          arguments: Runner.all.filter { $0.user != nil }, ["import", "load"])
    func unpackerDiesWithParent(runner: Runner, command: String) throws {
        // Rootless with a subordinate range, layers are unpacked by a child
        // that joined the held user namespace (as root, in-process: no child).
        let s = try Scratch(runner, isolated: true)
        let layout = try fixture("biglayout", "big:1", in: s)
        let blob = try #require(try FileManager.default.contentsOfDirectory(atPath: layout + "/blobs/sha256")
            .max { size(layout + "/blobs/sha256/" + $0) < size(layout + "/blobs/sha256/" + $1) })
        let args = command == "import" ? ["import", layout + "/blobs/sha256/" + blob, "big:1"] : ["load", "-i", layout]
        let parent = try Shell.start(s.command(args), cwd: s.project)
        var unpacker: Int32?
        try waitFor(seconds: 30) {
            // The unpacker works in its layer's staging directory, inside the
            // operation's scratch directory (not the user-namespace holder,
            // also a child for a moment).
            unpacker = children(of: parent.pid).first { child in
                let cwd = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(child)/cwd")) ?? ""
                return cwd.contains("/devbox/tmp/op-") && cwd.contains("/layer-")
            }
            return unpacker != nil
        }
        let child = try #require(unpacker)
        kill(parent.pid, SIGKILL)
        // Gone or a zombie within a second; an orphan would unpack for
        // seconds. (Checked before collecting the parent's output: a child
        // still holding its pipes would keep that waiting.)
        try waitFor(seconds: 1) { !isAlive(child) }
        _ = try? Shell.finish(parent)
    }
}

/// `sh -c SCRIPT` as the runner, with the environment devbox gets and
/// $DEVBOX naming the binary.
func shellCommand(_ s: Scratch, _ script: String) -> [String] {
    var command = s.command([])
    let binary = command.removeLast()
    let envIndex = command.firstIndex(of: "-i").map { $0 + 1 } ?? command.count
    command.insert("DEVBOX=\(binary)", at: envIndex)
    return command + ["/bin/sh", "-c", script]
}

func children(of pid: Int32) -> [Int32] {
    let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
    return text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
}

/// Neither gone nor a zombie.
func isAlive(_ pid: Int32) -> Bool {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")") else { return false }
    return stat[stat.index(close, offsetBy: 2)] != "Z"
}
