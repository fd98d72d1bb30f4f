import Foundation
import Testing

/// Descriptors declare each blob's size; what arrives must be exactly that
/// (make_image.py SIZE_LIES). Nothing is stored when it is not.
@Suite("declared blob sizes")
struct BlobSizeTests {
    static let lies: [(String, String)] = [
        ("layer-smaller", "sent more than the"),
        ("layer-larger", "sent only"),
        ("layer-absurd", "declares 1000000000000000 bytes, more than devbox accepts (1099511627776)"),
        ("config-smaller", "sent more than the"),
        ("config-absurd", "declares 1099511627776 bytes, more than devbox accepts (67108864)"),
        ("negative", "declares -1 bytes"),
    ]

    @Test("load: a layout whose descriptor lies about a size is refused and nothing is stored",
          arguments: Runner.all, Self.lies)
    func loadLies(runner: Runner, lie: (String, String)) throws {
        let s = try Scratch(runner, isolated: true)
        let r = try s.devbox(["load", "-i", try fixture("sizes", lie.0, in: s)])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("devbox: ") && r.stderr.contains(lie.1), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(StoreState(s) == .empty, "\(StoreState(s))")
    }

    @Test("pull: a manifest that lies about a size is refused while streaming and nothing is stored",
          arguments: Runner.all, Self.lies)
    func pullLies(runner: Runner, lie: (String, String)) throws {
        let s = try Scratch(runner, isolated: true)
        let registry = try LayoutRegistry(layout: try fixture("sizes", lie.0, in: s))
        let r = try s.devbox(["pull", "-q", "\(registry.host)/lies/x:1"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("devbox: ") && r.stderr.contains(lie.1), "\(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        #expect(StoreState(s) == .empty, "\(StoreState(s))")
    }

    @Test("pull: an 8 MiB manifest is cut off at the 4 MiB limit")
    func hugeManifest() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LayoutRegistry(layout: try fixture("layout", "h:1", in: s), hugeManifest: true)
        let r = try s.devbox(["pull", "-q", "\(registry.host)/huge/h:1"])
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("is larger than the 4194304 bytes devbox accepts"), "\(r.stderr)")
        #expect(StoreState(s) == .empty, "\(StoreState(s))")
    }

    @Test("pull: the honest layout through the same registry works (the fixture itself is sound)")
    func honestLayout() throws {
        let s = try Scratch(Runner.all[0], isolated: true)
        let registry = try LayoutRegistry(layout: try fixture("layout", "ok:1", in: s))
        let r = try s.devbox(["pull", "-q", "\(registry.host)/honest/ok:1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try s.devbox(["run", "--rm", "\(registry.host)/honest/ok:1", "--", "cat", "/f"]).out == "back\n")
    }
}
