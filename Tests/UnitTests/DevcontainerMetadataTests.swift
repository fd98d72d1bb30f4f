import Project
import Testing

@Suite("an image's devcontainer.metadata label merges under devcontainer.json")
struct DevcontainerMetadataTests {
    static let image = "mcr.microsoft.com/devcontainers/python:3.12"
    static let source = "the devcontainer.metadata label of image '\(image)'"

    static func merge(_ label: String, into json: String) throws(ConfigError) -> EnvironmentDefinition {
        let definition = try DevcontainerFixture.parse(json)
        return try DevcontainerMetadata.merging(metadataLabel: label, into: definition, context: DevcontainerFixture.context)
    }

    @Test("the spec's merge rules: lists collected image first, single values from the last that gives one, the file's own winning")
    func mergeRules() throws {
        let file = """
        {
          "image": "\(Self.image)",
          "remoteUser": "dev",
          "containerEnv": {"A": "file", "C": "file"},
          "remoteEnv": {"PATH": "${containerEnv:PATH}:/file", "DROP": null},
          "mounts": ["source=filevol,target=/data,type=volume"],
          "capAdd": ["SYS_PTRACE"],
          "forwardPorts": [3000],
          "hostRequirements": {"cpus": 2, "memory": "4gb"},
          "postCreateCommand": "file-post",
          "initializeCommand": "host-init"
        }
        """
        // Shaped like the labels the devcontainers CLI writes: one entry per feature, then the image's own.
        let label = """
        [
          {"id": "ghcr.io/devcontainers/features/docker-in-docker:2", "privileged": true,
           "entrypoint": "/usr/local/share/docker-init.sh",
           "mounts": [{"source": "dind-var-lib-docker-${devcontainerId}", "target": "/var/lib/docker", "type": "volume"}],
           "postCreateCommand": "image-post-1", "containerEnv": {"DOCKER_BUILDKIT": "1"}},
          null,
          {"remoteUser": "vscode", "containerUser": "vscode", "userEnvProbe": "loginShell", "overrideCommand": false,
           "updateRemoteUserUID": false, "shutdownAction": "none", "waitFor": "onCreateCommand",
           "containerEnv": {"A": "image", "B": "image"}, "remoteEnv": {"DROP": "image", "KEEP": "image"},
           "mounts": ["source=imgvol,target=/data,type=volume", "source=cache,target=/cache,type=volume"],
           "capAdd": ["SYS_PTRACE", "NET_ADMIN"], "securityOpt": ["seccomp=unconfined"],
           "postCreateCommand": ["image-post-2"], "onCreateCommand": "image-create",
           "initializeCommand": "rm -rf ~", "image": "other", "runArgs": ["--privileged"], "workspaceFolder": "/elsewhere",
           "customizations": {"vscode": {"extensions": ["ms-python.python"]}},
           "forwardPorts": [8080, 3000], "hostRequirements": {"cpus": 8, "memory": "1gb"}}
        ]
        """
        let merged = try Self.merge(label, into: file)
        let id = DevcontainerFixture.context.devcontainerId
        #expect(merged.image == Self.image)
        #expect(merged.remoteUser == "dev")
        #expect(merged.containerUser == "vscode")
        #expect(merged.userEnvProbe == .loginShell)
        #expect(merged.overrideCommand == false)
        #expect(merged.updateRemoteUserUID == false)
        #expect(merged.shutdownAction == .none)
        #expect(merged.waitFor == .onCreateCommand)
        #expect(merged.privileged)
        #expect(merged.containerEnv == ["DOCKER_BUILDKIT=1", "A=file", "B=image", "C=file"])
        #expect(merged.remoteEnv == ["DROP", "KEEP=image", "PATH=${containerEnv:PATH}:/file"])
        #expect(merged.mounts == ["type=volume,source=dind-var-lib-docker-\(id),target=/var/lib/docker",
                                  "type=volume,source=cache,target=/cache", "type=volume,source=filevol,target=/data"])
        #expect(merged.capAdd == ["SYS_PTRACE", "NET_ADMIN"])
        #expect(merged.securityOpt == ["seccomp=unconfined"])
        #expect(merged.forwardPorts == ["8080", "3000"])
        #expect(merged.hostRequirements == .init(cpus: 8, memory: 4 << 30))
        #expect(merged.lifecycle == [
            .initializeCommand: [.shell("host-init")],
            .onCreateCommand: [.shell("image-create")],
            .postCreateCommand: [.shell("image-post-1"), .argv(["image-post-2"]), .shell("file-post")],
        ])
        #expect(merged.runArgs == [] && merged.workspaceFolder == nil)
        #expect(merged.explicitlySet == (try DevcontainerFixture.parse(file)).explicitlySet)
        #expect(merged.warnings == [
            "\(Self.source): a feature's entrypoint is not run by devbox",
            "\(Self.source) asks for a privileged container",
            "\(Self.source) adds capabilities: SYS_PTRACE, NET_ADMIN",
            "\(Self.source) sets security options: seccomp=unconfined",
        ])
    }

    @Test("a value the file sets itself wins even when it equals the default")
    func explicitDefault() throws {
        let label = "{\"userEnvProbe\": \"none\", \"overrideCommand\": false, \"waitFor\": \"postStartCommand\"}"
        let left = try Self.merge(label, into: "{\"image\": \"i\"}")
        #expect(left.userEnvProbe == .none && left.overrideCommand == false && left.waitFor == .postStartCommand)
        let set = try Self.merge(label, into: """
        {"image": "i", "userEnvProbe": "loginInteractiveShell", "overrideCommand": true, "waitFor": "updateContentCommand"}
        """)
        #expect(set.userEnvProbe == .loginInteractiveShell && set.overrideCommand && set.waitFor == .updateContentCommand)
    }

    @Test("an empty user in the file is no user, so the image's applies, as in the CLI")
    func emptyUser() throws {
        let merged = try Self.merge("{\"remoteUser\": \"vscode\"}", into: "{\"image\": \"i\", \"remoteUser\": \"\"}")
        #expect(merged.remoteUser == "vscode")
        #expect(!merged.explicitlySet.contains("remoteUser"))
    }

    @Test("an empty label changes nothing; one object is one entry")
    func shapes() throws {
        let definition = try DevcontainerFixture.parse("{\"image\": \"i\", \"postStartCommand\": \"b\"}")
        #expect(try DevcontainerMetadata.merging(metadataLabel: " ", into: definition, context: DevcontainerFixture.context) == definition)
        #expect(try DevcontainerMetadata.merging(metadataLabel: "[]", into: definition, context: DevcontainerFixture.context) == definition)
        let merged = try DevcontainerMetadata.merging(metadataLabel: "{\"postStartCommand\": \"a\"}", into: definition,
                                                      context: DevcontainerFixture.context)
        #expect(merged.lifecycle[.postStartCommand] == [.shell("a"), .shell("b")])
    }

    @Test("the image's variables use the file's context; what cannot be resolved stays as written")
    func labelVariables() throws {
        let merged = try Self.merge("""
        [{"containerEnv": {"W": "${containerWorkspaceFolder}", "U": "${unknown}", "P": "${containerEnv:PATH}", "H": "${localEnv:HOME}"}}]
        """, into: "{\"image\": \"i\", \"workspaceFolder\": \"/w\"}")
        #expect(merged.containerEnv == ["W=/w", "U=${unknown}", "P=${containerEnv:PATH}", "H=/home/dev"])
    }

    @Test("an image that bind-mounts host paths is said aloud")
    func bindWarning() throws {
        let merged = try Self.merge("[{\"mounts\": [\"type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock\"]}]",
                                    into: "{\"image\": \"\(Self.image)\"}")
        #expect(merged.mounts == ["type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock"])
        #expect(merged.warnings == ["\(Self.source) bind-mounts a host path: type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock"])
    }

    @Test("a broken label is an error naming the image's label and its line", arguments: [
        ("[{\"remoteUser\": \"a\"},\n {\"remoteUser\": 5}]", 2, "'remoteUser' must be a string, not a number"),
        ("[{\"a\": 1}\n{\"b\": 2}]", 2, "expected ',' or ']' after an array element, found '{'"),
        ("\"just text\"", 1, "the label must hold a JSON array of objects or one object, not a string"),
        ("[1]", 1, "the label must hold a JSON array of objects or one object; an element is a number"),
        ("{\"mounts\": [\"target=relative\"]}", 1, "the mount target 'relative' in 'mounts' must be an absolute path other than /"),
    ])
    func broken(label: String, line: Int, message: String) {
        #expect(throws: ConfigError(file: Self.source, line: line, message: message)) {
            try Self.merge(label, into: "{\"image\": \"\(Self.image)\"}")
        }
    }
}
