/// The command's environment: small and predictable, not the host's.
public enum EnvironmentPlanner {
    public static let defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    public static func plan(host: [String: String], home: String, hostname: String, tty: Bool,
                            additions: [String]) -> [String] {
        var env: [(String, String)] = [
            ("PATH", host["PATH"].flatMap { $0.isEmpty ? nil : $0 } ?? defaultPath),
            ("HOME", home),
            ("HOSTNAME", hostname),
            ("container", "devbox"),
        ]
        if let term = host["TERM"] { env.append(("TERM", term)) } else if tty { env.append(("TERM", "xterm")) }
        for (key, value) in host.sorted(by: { $0.key < $1.key }) where key == "LANG" || key == "LANGUAGE" || key.hasPrefix("LC_") {
            env.append((key, value))
        }
        for item in additions {
            if let eq = item.firstIndex(of: "=") {
                set(&env, String(item[..<eq]), String(item[item.index(after: eq)...]))
            } else if let value = host[item] {
                set(&env, item, value)  // `-e KEY` passes the host's value, as docker does
            }
        }
        return env.map { $0.0 + "=" + $0.1 }
    }

    static func set(_ env: inout [(String, String)], _ key: String, _ value: String) {
        if let i = env.firstIndex(where: { $0.0 == key }) { env[i].1 = value } else { env.append((key, value)) }
    }

    /// docker's --env-file: KEY=VAL or KEY per line, `#` comments, blank lines.
    public static func parseEnvFile(_ text: String) -> [String] {
        text.split(whereSeparator: \.isNewline).compactMap { raw in
            let line = raw.drop { $0 == " " || $0 == "\t" }
            if line.isEmpty || line.hasPrefix("#") { return nil }
            return String(line)
        }
    }

}
