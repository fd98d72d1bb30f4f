import Platform

/// `${devcontainerId}`: an id unique to one dev container and stable across
/// rebuilds (features use it to name per-container volumes). Computed as
/// the devcontainers CLI computes it (src/spec-common/variableSubstitution.ts,
/// `devcontainerIdForLabels`, and the spec's devcontainer-id-variable.md), so
/// a volume named with it is the same one the CLI would use:
///
/// 1. the id labels as a JSON object, keys sorted, no whitespace
///    (`JSON.stringify(labels, Object.keys(labels).sort())`);
/// 2. SHA-256 of that text's UTF-8;
/// 3. the digest as one unsigned integer, written in base 32 with digits
///    `0-9a-v` (`BigInt.toString(32)`), left-padded with `0` to 52 digits.
///
/// The labels for a folder-based container are `devcontainer.local_folder`
/// (the project's root) and `devcontainer.config_file` (the config file's
/// absolute path) (src/spec-node/utils.ts, `findContainerAndIdLabels`).
public enum DevcontainerID {
    public static func labels(projectRoot: String, configFile: String) -> [String: String] {
        ["devcontainer.local_folder": projectRoot, "devcontainer.config_file": configFile]
    }

    public static func compute(labels: [String: String]) -> String {
        // JavaScript's default sort compares UTF-16 code units.
        let keys = labels.keys.sorted { $0.utf16.lexicographicallyPrecedes($1.utf16) }
        var json = "{"
        for (n, key) in keys.enumerated() {
            if n > 0 { json += "," }
            json += javaScriptString(key) + ":" + javaScriptString(labels[key] ?? "")
        }
        json += "}"
        var hasher = SHA256()
        hasher.update(json)
        return base32(hasher.finalizeBytes())
    }

    private static let digits = Array("0123456789abcdefghijklmnopqrstuv".utf8)

    /// 52 base-32 digits of a 256-bit big-endian number: digit k (from the
    /// right) is bits 5k..5k+4. A power-of-two base needs no division.
    static func base32(_ digest: [UInt8]) -> String {
        let bitCount = digest.count * 8
        func bit(_ b: Int) -> UInt8 {
            guard b < bitCount else { return 0 }
            return (digest[digest.count - 1 - b / 8] >> UInt8(b % 8)) & 1
        }
        let width = (bitCount + 4) / 5
        var out = [UInt8](repeating: 0, count: width)
        for k in 0..<width {
            var value: UInt8 = 0
            for j in 0..<5 { value |= bit(5 * k + j) << UInt8(j) }
            out[width - 1 - k] = digits[Int(value)]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// A string as JSON.stringify writes it: `"` and `\` escaped, the
    /// control characters as \b \t \n \f \r or \u00xx, everything else as is.
    static func javaScriptString(_ text: String) -> String {
        var out: [UInt8] = [0x22]
        for b in text.utf8 {
            switch b {
            case 0x22: out += [0x5c, 0x22]
            case 0x5c: out += [0x5c, 0x5c]
            case 0x08: out += [0x5c, UInt8(ascii: "b")]
            case 0x09: out += [0x5c, UInt8(ascii: "t")]
            case 0x0a: out += [0x5c, UInt8(ascii: "n")]
            case 0x0c: out += [0x5c, UInt8(ascii: "f")]
            case 0x0d: out += [0x5c, UInt8(ascii: "r")]
            case 0..<0x20: out += Array("\\u00".utf8) + Array(ASCII.hex([b]).utf8)
            default: out.append(b)
            }
        }
        out.append(0x22)
        return String(decoding: out, as: UTF8.self)
    }
}
