/// Signal names as runc and kill(1) spell them.
enum SignalName {
    static let numbers: [String: Int32] = [
        "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "IOT": 6, "BUS": 7, "FPE": 8, "KILL": 9, "USR1": 10,
        "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15, "STKFLT": 16, "CHLD": 17, "CONT": 18, "STOP": 19,
        "TSTP": 20, "TTIN": 21, "TTOU": 22, "URG": 23, "XCPU": 24, "XFSZ": 25, "VTALRM": 26, "PROF": 27, "WINCH": 28,
        "IO": 29, "POLL": 29, "PWR": 30, "SYS": 31,
    ]

    /// "SIGTERM" for 15 (the canonical name, not an alias such as IOT).
    static func name(_ number: Int32) -> String {
        numbers.filter { $0.value == number && $0.key != "IOT" && $0.key != "POLL" }.first.map { "SIG" + $0.key } ?? String(number)
    }

    static func number(_ text: String) -> Int32? {
        if let n = Int32(text) { return n > 0 && n < 65 ? n : nil }
        let upper = text.uppercased()
        return numbers[upper.hasPrefix("SIG") ? String(upper.dropFirst(3)) : upper]
    }
}
