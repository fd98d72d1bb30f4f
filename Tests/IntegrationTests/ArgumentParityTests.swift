import Foundation
import Project
import Testing

@Suite("the fast run parser")
struct ArgumentParityTests {
    @Test("knows exactly the flags ArgumentParser defines for `devbox run`")
    func sameFlags() throws {
        let r = try Shell.run([Runner.binary, "run", "--experimental-dump-help"])
        let json = try #require(try JSONSerialization.jsonObject(with: r.stdout) as? [String: Any])
        let command = try #require(json["command"] as? [String: Any])
        let arguments = try #require(command["arguments"] as? [[String: Any]])
        var defined: Set<String> = []
        for argument in arguments where (argument["kind"] as? String) != "positional" {
            for name in argument["names"] as? [[String: Any]] ?? [] {
                if let n = name["name"] as? String, !["help", "h", "version"].contains(n) { defined.insert(n) }
            }
        }
        var fast = Set(RunArguments.flags.map(\.long))
        fast.formUnion(RunArguments.flags.compactMap { $0.short.map(String.init) })
        #expect(fast == defined)
    }
}
