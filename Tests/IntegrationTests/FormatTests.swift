import Foundation
import Testing

/// podman's spellings scripts and editors use: Go templates in --format,
/// `events --stream=false`.
@Suite("podman-style --format templates")
struct FormatTests {
    @Test("inspect and ps take {{.Field}} and {{json .Field}}; events --stream=false ends", arguments: Runner.all)
    func templates(runner: Runner) throws {
        let s = try Scratch(runner)
        let name = "fmt-\(UUID().uuidString.prefix(6).lowercased())"
        let started = try s.devbox(["run", "-d", "--name", name, "-l", "team=qa", "--", "sleep", "100"])
        #expect(started.status == 0, "\(started.stderr)")
        defer { _ = try? s.devbox(["rm", "-f", name]) }
        let state = try s.devbox(["inspect", "--format", "{{.State.Status}} {{.Name}} {{.State.Running}}", name])
        #expect(state.out == "running \(name) true\n", "\(state.stderr)")
        let labels = try s.devbox(["inspect", "-f", "{{json .Config.Labels}}", name])
        #expect(labels.out == "{\"team\":\"qa\"}\n", "\(labels.stderr)")
        let pid = try s.devbox(["inspect", "-f", "{{.State.Pid}}", name])
        #expect((Int(pid.out.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) > 1, "\(pid.out)")
        let ps = try s.devbox(["ps", "--filter", "name=\(name)", "--format", "{{.Names}}:{{.State}}"])
        #expect(ps.out == "\(name):running\n", "\(ps.stderr)")
        let bad = try s.devbox(["inspect", "--format", "{{range .Mounts}}x{{end}}", name])
        #expect(bad.status == 125 && bad.stderr.contains("not supported"), "\(bad.stderr)")
        let events = try s.devbox(["events", "--stream=false", "--filter", "container=\(name)", "--format", "json"], timeout: 20)
        #expect(events.status == 0 && events.out.contains("\"Status\":\"start\""), "\(events.stderr)")
    }
}
