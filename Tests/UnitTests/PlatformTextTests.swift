import Platform
import Project
import Testing

/// The byte-level text helpers the start-up path uses instead of the
/// standard library's generic ones: they must split exactly like `split`.
@Suite("byte-level text helpers")
struct PlatformTextTests {
    @Test("contains finds a byte pattern anywhere, and only where it is whole")
    func containsBytes() {
        let status = Array("Name:\tdevbox\nNoNewPrivs:\t1\nSeccomp:\t0\n".utf8)
        #expect(ASCII.contains(status, "\nNoNewPrivs:\t1"))
        #expect(!ASCII.contains(status, "\nNoNewPrivs:\t0"))
        #expect(ASCII.contains(status, "Name:") && ASCII.contains(status, "\t0\n"))
        #expect(!ASCII.contains(Array("NoNewPr".utf8), "NoNewPrivs"))
        #expect(ASCII.contains([], ""))
    }

    @Test("split on one byte matches the standard library, with and without empty fields")
    func splitMatchesStandardLibrary() {
        let samples = ["", ":", "a", "a:b", ":a::b:", "root:x:0:0:root:/root:/bin/bash", "ünï:cödé::", "\n\nx\n"]
        for text in samples {
            for keep in [false, true] {
                let expected = text.split(separator: ":", omittingEmptySubsequences: !keep).map(String.init)
                #expect(ASCII.split(text, on: UInt8(ascii: ":"), keepEmpty: keep) == expected, "\(text) keep=\(keep)")
            }
        }
        #expect(ASCII.words(" 0  1000\t1\n") == ["0", "1000", "1"])
    }

    @Test("hex digests and joined arrays")
    func hexAndConcatenate() {
        #expect(ASCII.hex([0x00, 0x0f, 0xa0, 0xff]) == "000fa0ff")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(["a", "b", "c"].concatenated(separator: ":") == "a:b:c")
        #expect([String]().concatenated(separator: ":") == "")
    }

    @Test("files are read whole, including /proc files that report size 0")
    func readsWholeFiles() throws {
        let mountinfo = try #require(FileSystem.read("/proc/self/mountinfo"))
        #expect(mountinfo.hasSuffix("\n"))
        #expect(!MountInfo.mountPoints(in: mountinfo).isEmpty)
        let bytes = try #require(FileSystem.readBytes("/proc/self/mountinfo", limit: 10))
        #expect(bytes.count == 10)
        #expect(FileSystem.readBytes("/nonexistent/devbox") == nil)
    }

    @Test("project ids keep safe ASCII and replace the rest")
    func projectIdentifier() {
        let id = Project(root: "/home/ada/my proj.ü").id
        #expect(id.hasPrefix("my_proj.__-"))
        #expect(id.utf8.count == "my_proj.__-".utf8.count + 16)
        #expect(Project(root: "/").id.hasPrefix("root-"))
    }
}
