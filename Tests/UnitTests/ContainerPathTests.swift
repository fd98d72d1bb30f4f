import Project
import Testing

@Suite("container paths")
struct ContainerPathTests {
    @Test("destinations are cleaned lexically", arguments: [
        ("/srv", "/srv"), ("//srv//a/", "/srv/a"), ("/srv/./a", "/srv/a"), ("/srv/a/../b", "/srv/b"),
        ("/a/b/c/../../d", "/a/d"), ("/x/..y", "/x/..y"), ("/...", "/..."),
    ])
    func cleaned(path: String, expected: String) {
        #expect(ContainerPath.clean(path) == expected)
    }

    @Test("relative, escaping and root destinations are refused", arguments: [
        "", "srv", "./srv", "../srv", "/..", "/../x", "/a/../../x", "/a/b/../../..", "/", "//", "/.", "/a/..",
    ])
    func refused(path: String) {
        #expect(ContainerPath.clean(path) == nil)
    }
}
