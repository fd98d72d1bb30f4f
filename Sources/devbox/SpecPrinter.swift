import FoundationEssentials
import OCI

enum SpecPrinter {
    static func json(_ spec: RuntimeSpec) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(spec), as: UTF8.self)
    }
}
