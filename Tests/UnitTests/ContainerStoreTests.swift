import Containers
import Foundation
import OCI
import Platform
import Runtime
import Testing

@Suite("named containers: records, names, status")
struct ContainerStoreTests {
    func scratch() throws -> ContainerStore {
        let base = "/tmp/devbox-unit-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: base + "/run", withIntermediateDirectories: true)
        return ContainerStore(dataDir: base + "/data", runtimeDir: base + "/run")
    }

    func record(_ name: String, id: String = ContainerStore.newID()) -> ContainerRecord {
        let spec = RuntimeSpec(process: .init(terminal: false, user: .init(uid: 0, gid: 0), args: ["true"], env: [], cwd: "/",
                                              capabilities: nil, noNewPrivileges: true),
                               root: .init(path: "/", readonly: true), hostname: "h", mounts: [],
                               linux: .init(namespaces: [.init(.user)], uidMappings: [], gidMappings: []), annotations: nil)
        return ContainerRecord(id: id, name: name, created: .now(), image: nil, imageDigest: nil, project: "/p", labels: ["a": "b"],
                               spec: spec, launch: LaunchSettings())
    }

    @Test("ids are 64 lower-case hex digits and differ")
    func ids() {
        let a = ContainerStore.newID(), b = ContainerStore.newID()
        #expect(a.count == 64 && a != b && a.allSatisfy { "0123456789abcdef".contains($0) })
    }

    @Test("names: letters, digits, _ . -, starting with a letter or digit", arguments: [
        ("web", true), ("a.b_c-1", true), ("9lives", true), ("", false), ("-x", false), (".x", false), ("a/b", false),
        ("a b", false), ("ä", false), (String(repeating: "a", count: 129), false),
    ])
    func names(name: String, valid: Bool) {
        #expect(ContainerStore.isValidName(name) == valid)
    }

    @Test("found by name, full id and unique prefix; an ambiguous prefix and an unknown name are errors")
    func lookup() throws {
        let store = try scratch()
        let one = record("one", id: "aa" + String(ContainerStore.newID().dropFirst(2)))
        let two = record("two", id: "ab" + String(ContainerStore.newID().dropFirst(2)))
        try store.create(one)
        try store.create(two)
        #expect(try store.find("one").id == one.id)
        #expect(try store.find(two.id).name == "two")
        #expect(try store.find("aa").name == "one")
        #expect(try store.id(of: "two") == two.id)
        #expect(throws: ContainerError.ambiguous(prefix: "a", matches: 2)) { try store.find("a") }
        #expect(throws: ContainerError.noSuchContainer("nope")) { try store.find("nope") }
        #expect(try store.latest().id == two.id)
        #expect(store.all().map(\.name) == ["one", "two"])
    }

    @Test("a name is reserved once; removal gives it back")
    func reservation() throws {
        let store = try scratch()
        let first = record("web")
        try store.create(first)
        #expect(throws: ContainerError.nameInUse(name: "web", id: first.id)) { try store.create(record("web")) }
        store.remove(first)
        #expect(throws: ContainerError.noSuchContainer("web")) { try store.find("web") }
        try store.create(record("web"))
    }

    @Test("a recorded 'running' without a live supervisor reads as exited")
    func staleRunning() throws {
        let store = try scratch()
        let r = record("ghost")
        try store.create(r)
        #expect(store.status(r.id).state == .created)
        try store.setStatus(ContainerStatus(state: .running, pid1: ProcessIdentity(pid: getpid(), startTime: 1), startedAt: .now()), of: r.id)
        let status = store.status(r.id)
        #expect(status.state == .exited && status.exitCode == 137)
    }

    @Test("events append as JSON lines and read back from an offset")
    func events() throws {
        let store = try scratch()
        let log = EventLog(runtimeDir: store.runtimeDir)
        let r = record("ev")
        log.append(ContainerEvent(record: r, status: "create"))
        let first = log.read(from: 0)
        log.append(ContainerEvent(record: r, status: "start"))
        let next = log.read(from: first.next)
        #expect(first.events.map(\.Status) == ["create"] && next.events.map(\.Status) == ["start"])
        #expect(next.events.first?.Attributes == ["a": "b"] && next.events.first?.Name == "ev")
    }

    @Test("timestamps print as RFC 3339 and parse back; durations count back from now")
    func timestamps() {
        let t = Timestamp(nanoseconds: 1_796_249_863_356_154_354)
        #expect(t.rfc3339 == "2026-12-02T22:17:43.356154354Z")
        #expect(Timestamp.parse(t.rfc3339) == t)
        #expect(Timestamp.parse("10m", now: t)?.nanoseconds == t.nanoseconds - 600_000_000_000)
        #expect(Timestamp.parse("yesterday") == nil)
    }

    @Test("the settings key ignores the command, environment and directory, and nothing else")
    func settingsKey() {
        var spec = record("k").spec
        let key = ExecTemplate.settingsKey(spec)
        spec.process.args = ["make"]
        spec.process.env = ["A=1"]
        spec.process.cwd = "/src"
        spec.process.terminal = true
        #expect(ExecTemplate.settingsKey(spec) == key)
        spec.mounts.append(.init(destination: "/data", type: "bind", source: "/srv", options: ["rbind", "rw"]))
        #expect(ExecTemplate.settingsKey(spec) != key)
        var other = record("k").spec
        other.process.noNewPrivileges = false
        #expect(ExecTemplate.settingsKey(other) != key)
    }
}
