import Foundation
@testable import ImageStore
import Testing

/// The in-memory gzip path of layer unpacking and its fallbacks: whatever
/// libdeflate cannot take whole must reach libarchive byte for byte.
@Suite("layer input: gzip inflated in memory, everything else streamed")
struct LayerInputTests {
    static func gzip(_ data: [UInt8]) throws -> [UInt8] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-c", "-n"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(data))
        try input.fileHandleForWriting.close()
        let result = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return [UInt8](result)
    }

    static func payload(_ count: Int, seed: UInt64) -> [UInt8] {
        var x = seed | 1
        return (0..<count).map { i in
            x ^= x << 13; x ^= x >> 7; x ^= x << 17
            return i % 3 == 0 ? UInt8(truncatingIfNeeded: x) : UInt8(ascii: "a") + UInt8(i % 7)
        }
    }

    /// Feeds `bytes` through a pipe from another thread and receives them.
    static func received(_ bytes: [UInt8], limits: LayerInput.Limits) throws -> (LayerInput, [UInt8]) {
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        let sink = fds[1]
        let writer = Thread {
            var offset = 0
            while offset < bytes.count {
                let n = bytes[offset...].withUnsafeBytes { write(sink, $0.baseAddress, $0.count) }
                if n <= 0 { break }
                offset += n
            }
            close(sink)
        }
        writer.start()
        let input = LayerInput.receive(fds[0], limits: limits)
        let all = drain(input)
        close(fds[0])
        return (input, all)
    }

    /// What libarchive would read: the inflated tar, or the raw bytes.
    static func drain(_ input: LayerInput) -> [UInt8] {
        switch input {
        case .memory(let tar): return [UInt8](tar.bytes)
        case .file(let path): return (try? [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))) ?? []
        case .stream(let prefix, let fd):
            guard let context = StreamContext(prefix: prefix, fd: fd) else { return [] }
            var all: [UInt8] = []
            var pointer: UnsafeRawPointer?
            while true {
                let n = context.next(&pointer)
                guard n > 0, let pointer else { break }
                all += UnsafeRawBufferPointer(start: pointer, count: Int(n))
            }
            return all
        }
    }

    static func isMemory(_ input: LayerInput) -> Bool {
        if case .memory = input { return true }
        return false
    }

    let small = LayerInput.Limits(compressed: 1 << 20, inflated: 1 << 20, slowStream: 0)

    @Test("one member, several members, and zeros after the last are inflated in memory")
    func members() throws {
        let a = Self.payload(300_000, seed: 1), b = Self.payload(200_000, seed: 2)
        let one = try Self.gzip(a)
        let two = try Self.gzip(a) + Self.gzip(b)
        let padded = two + [UInt8](repeating: 0, count: 1024)
        for (bytes, expected) in [(one, a), (two, a + b), (padded, a + b)] {
            let (input, out) = try Self.received(bytes, limits: small)
            #expect(Self.isMemory(input))
            #expect(out == expected)
        }
    }

    @Test("truncated, corrupt, too large inflated or compressed, or not gzip: libarchive gets every byte as it came",
          arguments: ["truncated", "crc", "bomb", "compressed", "plain", "empty"])
    func fallbacks(_ kind: String) throws {
        let a = Self.payload(600_000, seed: 3)
        var bytes = try Self.gzip(a)
        var limits = small
        switch kind {
        case "truncated": bytes = Array(bytes.prefix(bytes.count / 2))
        case "crc": bytes[bytes.count - 6] ^= 0xff
        case "bomb": bytes = try Self.gzip([UInt8](repeating: 0, count: 4 << 20))
        case "compressed": limits.compressed = 4096
        case "plain": bytes = a
        default: bytes = []
        }
        let (input, out) = try Self.received(bytes, limits: limits)
        #expect(!Self.isMemory(input))
        #expect(out == bytes)
    }

    @Test("a stream slower than the threshold is handed on as it arrives")
    func slowStream() throws {
        let a = Self.payload(100_000, seed: 4)
        let bytes = try Self.gzip(a)
        var fds: [Int32] = [-1, -1]
        try #require(pipe(&fds) == 0)
        let sink = fds[1]
        let writer = Thread {
            // Half now, the rest after the first second.
            let half = bytes.count / 2
            _ = bytes[..<half].withUnsafeBytes { write(sink, $0.baseAddress, $0.count) }
            usleep(1_200_000)
            _ = bytes[half...].withUnsafeBytes { write(sink, $0.baseAddress, $0.count) }
            close(sink)
        }
        writer.start()
        var limits = small
        limits.slowStream = 1 << 30
        let input = LayerInput.receive(fds[0], limits: limits)
        #expect(!Self.isMemory(input))
        #expect(Self.drain(input) == bytes)
        close(fds[0])
    }

    @Test("a stored blob: gzip within the limits is inflated, anything else is read from the file")
    func storedBlob() throws {
        let a = Self.payload(300_000, seed: 5)
        let path = "/tmp/devbox-layerinput-\(UUID().uuidString.prefix(8))"
        defer { unlink(path) }
        let gz = try Self.gzip(a)
        for (bytes, memory, expected) in [(gz, true, a), (Array(gz.prefix(1000)), false, Array(gz.prefix(1000))), (a, false, a)] {
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let input = LayerInput.load(path, limits: small)
            #expect(Self.isMemory(input) == memory)
            #expect(Self.drain(input) == expected)
        }
    }
}
