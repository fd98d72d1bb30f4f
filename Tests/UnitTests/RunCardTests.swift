import Foundation
import ImageStore
import OCI
import Platform
import Testing

@Suite("image run cards")
struct RunCardTests {
    func layout() throws -> StoreLayout {
        let root = "/tmp/devbox-card-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: root + "/images", withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: root + "/images/refs.json"))
        return StoreLayout(root: root)
    }

    let digest = Digest("sha256:" + String(repeating: "ab", count: 32))!
    var card: RunCard {
        RunCard(reference: "docker.io/library/x:1", manifestDigest: digest, layers: [digest, digest],
                execution: .init(User: "1000:1000", Env: ["A=1", "B=two words"], Entrypoint: [], Cmd: ["sh", "-c", "echo hi"], WorkingDir: "/w"))
    }

    @Test("a card reads back as written, an empty Entrypoint included")
    func roundTrip() throws {
        let layout = try layout()
        card.save(layout, name: "x:1", refsStampBefore: RunCard.stamp(layout))
        #expect(RunCard.load(layout, name: "x:1") == card)
        #expect(RunCard.load(layout, name: "y:1") == nil)
    }

    @Test("a tag change (refs.json rewritten) invalidates every card")
    func invalidated() throws {
        let layout = try layout()
        card.save(layout, name: "x:1", refsStampBefore: RunCard.stamp(layout))
        let tmp = layout.refs + ".new"
        try Data("{\"a\":1}".utf8).write(to: URL(fileURLWithPath: tmp))
        rename(tmp, layout.refs)
        #expect(RunCard.load(layout, name: "x:1") == nil)
    }

    @Test("a card cut short or with bytes after its end is refused")
    func truncated() throws {
        let layout = try layout()
        card.save(layout, name: "x:1", refsStampBefore: RunCard.stamp(layout))
        let path = try #require(FileManager.default.contentsOfDirectory(atPath: layout.root + "/images/runcards").first)
        let full = layout.root + "/images/runcards/" + path
        let bytes = try Data(contentsOf: URL(fileURLWithPath: full))
        try bytes.dropLast(1).write(to: URL(fileURLWithPath: full))
        #expect(RunCard.load(layout, name: "x:1") == nil)
        try (bytes + Data("x 1\0".utf8)).write(to: URL(fileURLWithPath: full))
        #expect(RunCard.load(layout, name: "x:1") == nil)
    }
}
