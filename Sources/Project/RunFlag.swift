import Platform

/// One flag of `devbox run` (and of `create` and `exec`, which share the
/// table): its names, its help, and what it does to `RunArguments`.
///
/// The fast parser (RunArguments.parse), ArgumentParser's declarations
/// (generated from the table into Sources/devbox/RunFlagOptions.swift by
/// `make run-flags`), `--help` and the shell completions all read these
/// values, so adding a flag is one entry in `RunFlags.table`.
public struct RunFlag: Sendable {
    public enum Kind: Sendable, Hashable {
        /// No value: `--rm`.
        case flag
        /// One value; given again, the last one wins.
        case option
        /// One value per use, all kept in order: `-v A -v B`.
        case repeatable
    }

    /// What a shell offers after the flag.
    public enum Completion: Sendable, Equatable {
        case none
        case list([String])
        case file
        case directory
        /// Asked of the binary at completion time: the name of a
        /// DynamicCompletion function (containers, images, profiles, volumes).
        case dynamic(String)
    }

    /// The commands a flag belongs to.
    public struct Commands: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let run = Commands(rawValue: 1)
        public static let create = Commands(rawValue: 2)
        public static let exec = Commands(rawValue: 4)
        public static let runAndCreate: Commands = [.run, .create]
        public static let all: Commands = [.run, .create, .exec]
    }

    public let long: String
    /// More long names with the same meaning (`--net` for `--network`).
    public let aliases: [String]
    public let short: Character?
    public let kind: Kind
    public let valueName: String
    public let help: String
    public let completion: Completion
    public let commands: Commands
    /// Declared once for every devbox command (GlobalOptions), not per command.
    public let global: Bool
    /// Records the value (`""` for a `.flag`); false when it is not valid.
    let set: @Sendable (inout RunArguments, String) -> Bool

    init(_ long: String, aliases: [String] = [], short: Character? = nil, _ kind: Kind, value: String = "",
         completion: Completion = .none, commands: Commands = .runAndCreate, global: Bool = false, help: String,
         set: @escaping @Sendable (inout RunArguments, String) -> Bool) {
        self.long = long
        self.aliases = aliases
        self.short = short
        self.kind = kind
        self.valueName = value
        self.help = help
        self.completion = completion
        self.commands = commands
        self.global = global
        self.set = set
    }

    /// Every long name, the canonical one first.
    public var longNames: [String] { [long] + aliases }

    /// Applies one use of the flag; false for a value it does not take.
    public func apply(_ value: String, to args: inout RunArguments) -> Bool {
        set(&args, value)
    }

    /// The one-line usage error for a value the flag refuses.
    public func invalidValue(_ value: String) -> String {
        var text = "invalid value '\(value)' for --\(long)"
        if case .list(let choices) = completion { text += "; use " + choices.concatenated(separator: ", ") }
        return text
    }
}

public enum RunFlags {
    /// The flags of one command, in table order.
    public static func flags(for command: RunFlag.Commands) -> [RunFlag] {
        table.filter { !$0.commands.isDisjoint(with: command) }
    }

    /// The flag with this long name (or alias).
    public static func named(_ long: String) -> RunFlag? {
        table.first { $0.long == long || $0.aliases.contains(long) }
    }

    public static func withShort(_ short: Character) -> RunFlag? {
        table.first { $0.short == short }
    }

    /// Applies a value through the table: what ArgumentParser's path calls
    /// for each flag it parsed, so both paths run the same code.
    public static func apply(_ long: String, _ value: String, to args: inout RunArguments) -> Bool {
        named(long)?.apply(value, to: &args) ?? false
    }
}
