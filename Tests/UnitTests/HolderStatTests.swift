import Runtime
import Testing

@Suite("the user namespace holder's liveness, from /proc/PID/stat")
struct HolderStatTests {
    @Test("a running or sleeping holder is live; a zombie, a dead one, another program or garbage is not", arguments: [
        ("4242 (devbox-userns) S 1 4242 4242 0 -1 4194368 94 0", true),
        ("4242 (devbox-userns) R 1 4242 4242 0 -1", true),
        ("4242 (devbox-userns) Z 1 4242 4242 0 -1", false),
        ("4242 (devbox-userns) X 1 4242", false),
        ("4242 (devbox-netns) S 4241 4242", false),
        ("4242 (sh) S 1 (devbox-userns) S", false),
        ("4242 (devbox-userns)", false),
        ("", false),
        ("4242 devbox-userns S", false),
    ])
    func liveness(stat: String, live: Bool) {
        #expect(UserNamespaceHolder.isLiveHolder(stat: stat) == live)
    }
}
