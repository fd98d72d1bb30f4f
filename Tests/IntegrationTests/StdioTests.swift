import Foundation
import Testing

@Suite("stdio and terminals")
struct StdioTests {
    @Test("a 50 MB stream passes through stdin and stdout byte-exact", arguments: Runner.all)
    func bytesExact(runner: Runner) throws {
        let s = try Scratch(runner)
        var data = Data(count: 50 << 20)
        data.withUnsafeMutableBytes { buffer in
            var x: UInt64 = 0x9E37_79B9_7F4A_7C15
            for i in 0..<buffer.count { x ^= x << 13; x ^= x >> 7; x ^= x << 17; buffer[i] = UInt8(truncatingIfNeeded: x) }
        }
        let r = try s.devbox(["run", "--rm", "--", "cat"], stdin: data, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.count == data.count)
        #expect(r.stdout == data)
    }

    @Test("without -t, stdio stays what it was (pipes stay pipes)", arguments: Runner.all)
    func pipesStayPipes(runner: Runner) throws {
        let s = try Scratch(runner)
        let r = try s.devbox(["run", "--rm", "--", "sh", "-c", "test -p /dev/stdin && test -p /dev/stdout && echo pipes"])
        #expect(r.out == "pipes\n", "\(r.stderr)")
    }

    @Test("-t gives the command a terminal of its own inside the container", arguments: Runner.all)
    func tty(runner: Runner) throws {
        let s = try Scratch(runner)
        // script(1) provides the outer terminal devbox puts in raw mode.
        let inner = s.command(["run", "--rm", "-t", "--", "sh", "-c", "tty; stty size; echo done"])
            .map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let r = try Shell.run(["/usr/bin/script", "-qec", "stty rows 33 cols 101; " + inner, "/dev/null"], cwd: s.project)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.out.contains("/dev/pts/0"), "\(r.out)")
        #expect(r.out.contains("33 101"), "window size is forwarded: \(r.out)")
        #expect(r.out.contains("done"))
    }
}
