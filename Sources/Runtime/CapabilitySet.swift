import CLibcap

public enum CapabilityError: Error, Equatable, CustomStringConvertible {
    case unknown(String)

    public var description: String {
        switch self {
        case .unknown(let name):
            return "unknown capability '\(name)'; see capabilities(7) for names such as CAP_NET_BIND_SERVICE"
        }
    }
}

/// Capability names (CAP_CHOWN or chown) to the kernel's bit mask, resolved
/// by libcap so that names the running kernel knows are accepted.
public enum CapabilitySet {
    public static func mask(_ names: [String]) throws(CapabilityError) -> UInt64 {
        var mask: UInt64 = 0
        for name in names {
            var lower = String(decoding: name.utf8.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
            if !lower.hasPrefix("cap_") { lower = "cap_" + lower }
            var value: cap_value_t = 0
            guard cap_from_name(lower, &value) == 0, value >= 0, value < 64 else { throw .unknown(name) }
            mask |= 1 << UInt64(value)
        }
        return mask
    }
}
