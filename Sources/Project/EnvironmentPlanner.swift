/// The command's environment: small and predictable, not the host's.
public enum EnvironmentPlanner {
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// `additions` are `KEY=VAL` or `KEY` (the host's value), later ones
    /// winning. Linear in their number: each name's position is kept in a
    /// dictionary, as a 100k-line --env-file took 17 s with a search per line.
    public static func plan(host: [String: String], home: String, hostname: String, tty: Bool,
                            additions: [String]) -> [String] {
        var env = OrderedEnvironment()
        env.set("PATH", host["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath)
        env.set("HOME", home)
        env.set("HOSTNAME", hostname)
        env.set("container", "devbox")
        if let term = host["TERM"] { env.set("TERM", term) } else if tty { env.set("TERM", "xterm") }
        // The locale's few names, sorted; not the whole environment.
        var locale: [String] = []
        for key in host.keys where key == "LANG" || key == "LANGUAGE" || key.hasPrefix("LC_") { locale.append(key) }
        locale.sort()
        for key in locale { if let value = host[key] { env.set(key, value) } }
        for item in additions {
            if let eq = item.utf8.firstIndex(of: UInt8(ascii: "=")) {
                env.set(String(item[..<eq]), String(item[item.utf8.index(after: eq)...]))
            } else if let value = host[item] {
                env.set(item, value)  // `-e KEY` passes the host's value, as docker does
            }
        }
        return env.entries
    }

    /// Names and values in first-set order; setting a name again replaces its value in place.
    struct OrderedEnvironment {
        var keys: [String] = []
        var values: [String] = []
        var position: [String: Int] = [:]

        mutating func set(_ key: String, _ value: String) {
            if let i = position[key] {
                values[i] = value
            } else {
                position[key] = keys.count
                keys.append(key)
                values.append(value)
            }
        }

        var entries: [String] { zip(keys, values).map { $0 + "=" + $1 } }
    }

    /// `KEY=VAL` or `KEY`: the name must be non-empty, and nothing may hold
    /// NUL (the kernel's strings end there, so the variable would silently
    /// be another one). A name cannot hold '=': the first '=' ends it.
    public static func isValid(_ entry: String) -> Bool {
        let bytes = entry.utf8
        guard let first = bytes.first, first != UInt8(ascii: "=") else { return false }
        return !bytes.contains(0)
    }

    /// Checks `-e` values, so `-e =x` stops the run instead of being dropped.
    public static func validate(_ entries: [String], source: String) throws(PlanError) {
        for entry in entries where !isValid(entry) { throw .badEnvironment(entry, source: source) }
    }

    /// docker's --env-file: KEY=VAL or KEY per line, `#` comments, blank
    /// lines, leading blanks ignored. One pass over the bytes.
    public static func parseEnvFile(_ text: String, file: String) throws(PlanError) -> [String] {
        var out: [String] = []
        var text = text
        var failure: PlanError?
        text.withUTF8 { bytes in
            var start = 0
            var line = 0
            while start <= bytes.count, failure == nil {
                var end = start
                while end < bytes.count && bytes[end] != 10 { end += 1 }
                line += 1
                var first = start
                while first < end && (bytes[first] == 32 || bytes[first] == 9) { first += 1 }
                var last = end
                if last > first && bytes[last - 1] == 13 { last -= 1 }  // CRLF files
                if first < last && bytes[first] != UInt8(ascii: "#") {
                    let entry = String(decoding: UnsafeBufferPointer(rebasing: bytes[first..<last]), as: UTF8.self)
                    if isValid(entry) { out.append(entry) } else { failure = .badEnvironment(entry, source: "\(file):\(line)") }
                }
                if end == bytes.count { break }
                start = end + 1
            }
        }
        if let failure { throw failure }
        return out
    }
}
