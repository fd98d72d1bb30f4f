import CSandbox
import Foundation
import Platform
#if canImport(Glibc)
import Glibc
#endif
import Project
import Runtime
import Testing

@Suite("storage probe, pure parts")
struct StorageProbeUnitTests {
    @Test("statfs magic numbers: local filesystems pass, network, FUSE, overlay and ecryptfs stores are named with the fix",
          arguments: [(UInt64(0xEF53), "ext4", false), (0x5846_5342, "xfs", false), (0x9123_683E, "btrfs", false),
                      (0x6969, "nfs", true), (0xFF53_4D42, "cifs", true), (0x0BD0_0BD0, "lustre", true), (0x4750_4653, "gpfs", true),
                      (0x6573_5546, "fuse", true), (0x794C_7630, "overlay", true), (0xF15F, "ecryptfs", true), (0x1234_5678, "0x12345678", false)])
    func filesystems(magic: UInt64, name: String, refused: Bool) {
        let (found, note) = StorageProbe.filesystemName(magic: magic)
        #expect(found == name)
        #expect((note != nil) == refused)
        if let note { #expect(note.contains("--root") || note.contains("local disk") || note.contains("volume"), "\(note)") }
    }

    @Test("the probe's fields become named checks with their errno")
    func interpret() {
        var r = dbx_storage_report()
        r.userns_errno = 1
        #expect(StorageProbe.interpret(r).first?.detail.contains("no user namespace") == true)
        r = dbx_storage_report()
        r.mount_errno = 22
        r.mount_plain_errno = 1
        r.dtype = -1
        let refused = StorageProbe.interpret(r)
        #expect(refused.first?.ok == false && refused.first?.detail.contains("Invalid argument with userxattr") == true)
        #expect(refused.first?.detail.contains("Operation not permitted without") == true)
        r = dbx_storage_report()
        r.mounted = 1
        r.userxattr = 0
        r.mount_errno = 22
        r.works = 1
        r.dtype = 0
        r.rename_whiteout_errno = 95
        let degraded = StorageProbe.interpret(r)
        #expect(degraded.first { $0.name == "overlay in a user namespace" }?.detail.contains("only without userxattr") == true)
        #expect(degraded.first { $0.name == "d_type" }?.ok == false)
        #expect(degraded.first { $0.name == "renameat2(RENAME_WHITEOUT)" }?.ok == false)
    }
}

@Suite("the store moves off a network filesystem")
struct NetworkStoreTests {
    static let mountinfo = """
        22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
        40 22 0:50 / /home rw,relatime shared:2 - nfs4 server:/home rw,vers=4.2
        41 22 0:51 / /var/tmp rw,relatime shared:3 - ext4 /dev/sda2 rw
        42 40 0:52 / /home/ann/local\\040disk rw - xfs /dev/sdb1 rw
        """

    @Test("the mount holding a path, by the longest mount point, escapes read", arguments: [
        ("/home/ann/.local/share/devbox", "nfs4"), ("/var/tmp/devbox-1000", "ext4"), ("/srv/x", "ext4"),
        ("/home/ann/local disk/devbox", "xfs"), ("/homework", "ext4"),
    ])
    func filesystemType(path: String, type: String) {
        #expect(NetworkStore.filesystemType(of: path, mountinfo: Self.mountinfo) == type)
    }

    @Test("a default store on NFS moves to /var/tmp; --root and DEVBOX_ALLOW_NETWORK_STORE=1 keep it")
    func relocation() {
        let moved = DataPaths.data(root: nil, environment: [:], home: "/home/ann", mountinfo: { Self.mountinfo })
        #expect(moved == NetworkStore.localStore(uid: getuid()))
        #expect(DataPaths.data(root: "/home/ann/store", environment: [:], home: "/home/ann", mountinfo: { Self.mountinfo }) == "/home/ann/store")
        #expect(DataPaths.data(root: nil, environment: ["DEVBOX_ALLOW_NETWORK_STORE": "1"], home: "/home/ann",
                               mountinfo: { Self.mountinfo }) == "/home/ann/.local/share/devbox")
        #expect(DataPaths.data(root: nil, environment: ["XDG_DATA_HOME": "/home/ann/local disk"], home: "/home/ann",
                               mountinfo: { Self.mountinfo }) == "/home/ann/local disk/devbox")
    }
}

@Suite("--gui")
struct GUISocketsTests {
    @Test("X11 (with its authority file) and Wayland are shared at fixed places; nothing to share is an error")
    func sockets() throws {
        let present: Set<String> = ["/tmp/.X11-unix", "/home/a/.Xauthority", "/run/user/1000/wayland-1"]
        let both = try GUISockets.share(["DISPLAY": ":0", "XAUTHORITY": "/home/a/.Xauthority", "WAYLAND_DISPLAY": "wayland-1",
                                         "XDG_RUNTIME_DIR": "/run/user/1000"], exists: present.contains)
        #expect(both.volumes == ["/tmp/.X11-unix:/tmp/.X11-unix:ro", "/home/a/.Xauthority:/run/devbox/Xauthority:ro",
                                 "/run/user/1000/wayland-1:/run/devbox/wayland-0"])
        #expect(both.environment == ["DISPLAY=:0", "XAUTHORITY=/run/devbox/Xauthority", "WAYLAND_DISPLAY=/run/devbox/wayland-0"])
        #expect(throws: PlanError.noDisplay) { try GUISockets.share([:], exists: present.contains) }
        #expect(throws: PlanError.noDisplay) { try GUISockets.share(["WAYLAND_DISPLAY": "wayland-9", "XDG_RUNTIME_DIR": "/run/user/1000"], exists: present.contains) }
    }
}

@Suite("the moved store in a shared /var/tmp")
struct LocalStoreOwnershipTests {
    @Test("only an absent name or a private directory of the user's own is taken")
    func ownership() throws {
        let base = "/tmp/devbox-unit-store-\(getpid())"
        mkdir(base, 0o755)
        defer { _ = try? FileManager.default.removeItem(atPath: base) }
        let uid: UInt32 = 4242
        #expect(NetworkStore.isOwnDirectoryOrAbsent(base + "/absent", uid: uid))
        mkdir(base + "/own", 0o700)
        chown(base + "/own", uid, uid)
        #expect(NetworkStore.isOwnDirectoryOrAbsent(base + "/own", uid: uid))
        mkdir(base + "/other", 0o700)
        chown(base + "/other", uid + 1, uid + 1)
        #expect(!NetworkStore.isOwnDirectoryOrAbsent(base + "/other", uid: uid), "made first by someone else")
        mkdir(base + "/open", 0o777)
        chown(base + "/open", uid, uid)
        chmod(base + "/open", 0o777)
        #expect(!NetworkStore.isOwnDirectoryOrAbsent(base + "/open", uid: uid), "others can enter it")
        symlink(base + "/own", base + "/link")
        #expect(!NetworkStore.isOwnDirectoryOrAbsent(base + "/link", uid: uid), "a link")
    }
}
