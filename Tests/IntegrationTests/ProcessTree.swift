import Foundation

/// A hung command's processes as the kernel sees them: each descendant's
/// state, what it waits in (wchan and, as root, its kernel stack) and its
/// command line, so a timeout reports where it stuck, not only that it did.
enum ProcessTree {
    static func describe(root: Int32) -> String {
        var parent: [Int32: Int32] = [:]
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name), let stat = read("/proc/\(pid)/stat"),
                  let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            if fields.count > 1, let ppid = Int32(fields[1]) { parent[pid] = ppid }
        }
        func isDescendant(_ pid: Int32) -> Bool {
            var current = pid
            for _ in 0..<64 {
                if current == root { return true }
                guard let next = parent[current], next > 0 else { return false }
                current = next
            }
            return false
        }
        let pids = parent.keys.filter(isDescendant).sorted()
        return pids.map { pid in
            let status = read("/proc/\(pid)/status") ?? ""
            let state = status.split(separator: "\n").first { $0.hasPrefix("State:") }.map { String($0.dropFirst(6)).trimmingCharacters(in: .whitespaces) } ?? "?"
            let wchan = read("/proc/\(pid)/wchan") ?? "?"
            let args = (read("/proc/\(pid)/cmdline") ?? "").split(separator: "\0").joined(separator: " ")
            let stack = (read("/proc/\(pid)/stack") ?? "").split(separator: "\n").prefix(8)
                .map { $0.split(separator: " ").dropFirst().joined(separator: " ") }.joined(separator: " < ")
            return "  pid \(pid) ppid \(parent[pid] ?? 0) \(state) wchan=\(wchan) [\(stack)] \(args.prefix(200))"
        }.joined(separator: "\n")
    }

    private static func read(_ path: String) -> String? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }
}
