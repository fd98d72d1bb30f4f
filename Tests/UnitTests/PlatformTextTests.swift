import Foundation
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
        // Regular files of every size around the buffer's edges, whole and
        // within a limit; /proc/self/maps is over a page on most machines.
        let dir = NSTemporaryDirectory() + "devbox-read-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for size in [0, 1, 4095, 4096, 4097, 70_001] {
            let data = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = dir + "/f\(size)"
            #expect(FileManager.default.createFile(atPath: path, contents: Data(data)))
            #expect(FileSystem.readBytes(path) == data, "size \(size)")
            #expect(FileSystem.readBytes(path, limit: 100) == Array(data.prefix(100)), "size \(size), limit 100")
        }
        let maps = try #require(FileSystem.readBytes("/proc/self/maps"))
        #expect(maps.last == UInt8(ascii: "\n") && maps.count > 100)
    }

    @Test("project ids keep safe ASCII and replace the rest")
    func projectIdentifier() {
        let id = Project(root: "/home/ada/my proj.ü").id
        #expect(id.hasPrefix("my_proj.__-"))
        #expect(id.utf8.count == "my_proj.__-".utf8.count + 16)
        #expect(Project(root: "/").id.hasPrefix("root-"))
    }
}

@Suite("host tables read at byte level: mountinfo, passwd")
struct HostTableTests {
    @Test("mountinfo: points unescaped, the type after the optional fields' dash, junk lines skipped")
    func mountTable() {
        let text = """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            40 22 0:50 / /home rw,relatime shared:2 master:7 - nfs4 server:/home rw
            41 22 0:51 /sub /mnt/a\\040b\\011c\\134d rw - tmpfs tmpfs rw
            garbage line
            43 22 0:53 / /mnt/bad\\09x rw - xfs /dev/sdb rw
            44 22 0:54 / /no/type rw shared:3

            45 22 0:55 / /mnt/- rw - fuse.sshfs host: rw
            """
        let table = MountTable(parsing: text)
        #expect(table.entries.map(\.point) == ["/", "/home", "/mnt/a b\tc\\d", "/mnt/bad\\09x", "/mnt/-"])
        #expect(table.entries.map(\.type) == ["ext4", "nfs4", "tmpfs", "xfs", "fuse.sshfs"])
        #expect(table.filesystemType(of: "/home/ann/x") == "nfs4")
        #expect(table.filesystemType(of: "/homework") == "ext4")
        #expect(table.filesystemType(of: "/mnt/a b\tc\\d") == "tmpfs")
        #expect(table.filesystemType(of: "/mnt/-/deep") == "fuse.sshfs")
        #expect(MountTable(parsing: "").entries.isEmpty)
        #expect(MountTable(parsing: "1 2 3 4").entries.isEmpty)
        // The same mount point twice: the later mount is the one in view.
        let stacked = MountTable(parsing: "1 0 0:1 / /x rw - ext4 a rw\n2 1 0:2 / /x rw - tmpfs b rw\n")
        #expect(stacked.filesystemType(of: "/x/y") == "tmpfs")
    }

    @Test("passwd: the first line with the uid, short and odd lines skipped", arguments: [
        ("root:x:0:0:root:/root:/bin/bash\nada:x:1000:1000:Ada:/home/ada:/bin/sh\n", 1000, "ada", "/home/ada"),
        ("ada:x:1000:1000::/home/ada\n", 1000, "ada", "/home/ada"),
        ("bad:x:10a0:1::/x:/bin/sh\nmallory:x:1000\nada:x:01000:1::/h:/bin/sh", 1000, "ada", "/h"),
        ("a:x:99999999999:1::/x:/bin/sh\nb:x:4294967295:1::/y:/bin/sh\n", 4_294_967_295, "b", "/y"),
        (":x:1000:1:::\n", 1000, "", ""),
    ] as [(String, UInt32, String, String)])
    func passwd(text: String, uid: UInt32, name: String, home: String) {
        var text = text
        let entry = text.withUTF8 { ProcessEnvironment.passwdEntry(in: $0, uid: uid) }
        #expect(entry?.name == name && entry?.home == home)
    }

    @Test("passwd: no line with the uid")
    func passwdMissing() {
        var text = "root:x:0:0:root:/root:/bin/bash\nbob:x:1001:1001::/home/bob:/bin/sh"
        #expect(text.withUTF8 { ProcessEnvironment.passwdEntry(in: $0, uid: 1000) } == nil)
    }
}
