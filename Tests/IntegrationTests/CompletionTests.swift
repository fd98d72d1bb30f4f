import Foundation
import Testing

@Suite("shell completions")
struct CompletionTests {
    @Test("completions/ matches what the CLI generates (run `make completions` after changing flags)",
          arguments: [("bash", "devbox.bash"), ("zsh", "_devbox"), ("fish", "devbox.fish")])
    func noDrift(shell: String, file: String) throws {
        let generated = try Shell.run([Runner.binary, "--generate-completion-script", shell])
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let committed = try Data(contentsOf: root.appendingPathComponent("completions/" + file))
        #expect(generated.stdout == committed, "completions/\(file) is out of date: run `make completions`")
    }
}
