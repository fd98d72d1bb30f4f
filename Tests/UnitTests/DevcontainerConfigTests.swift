import Foundation
import Project
import Testing

/// The project, environment and file every devcontainer test reads against.
enum DevcontainerFixture {
    static let root = "/home/dev/proj"
    static let configFile = "/home/dev/proj/.devcontainer/devcontainer.json"
    static let shown = ".devcontainer/devcontainer.json"
    static let context = DevcontainerContext(projectRoot: root, localEnv: ["HOME": "/home/dev", "USER": "dev", "EMPTY": ""],
                                             configFile: configFile)

    static func parse(_ json: String) throws(ConfigError) -> EnvironmentDefinition {
        try DevcontainerParser.parse(json, file: shown, context: context)
    }

    /// What `{"image": "alpine:3.20"}` gives: the devcontainer.json defaults.
    static func base() -> EnvironmentDefinition {
        var definition = EnvironmentDefinition(format: .devcontainer, file: configFile)
        definition.image = "alpine:3.20"
        definition.userEnvProbe = .loginInteractiveShell
        return definition
    }

    /// The error `json` gives, or nil when it parses.
    static func failure(_ json: String) -> String? {
        do {
            _ = try parse(json)
            return nil
        } catch {
            return error.description
        }
    }
}

@Suite("devcontainer.json keys become the environment definition")
struct DevcontainerConfigTests {
    typealias Edit = @Sendable (inout EnvironmentDefinition) -> Void

    @Test("an image alone gives the spec's defaults")
    func defaults() throws {
        let definition = try DevcontainerFixture.parse("{\"image\": \"alpine:3.20\"}")
        var expected = DevcontainerFixture.base()
        expected.explicitlySet = ["image"]
        #expect(definition == expected)
        #expect(definition.userEnvProbe == .loginInteractiveShell)
        #expect(definition.updateRemoteUserUID && definition.overrideCommand)
        #expect(definition.shutdownAction == .stopContainer)
        #expect(definition.waitFor == .updateContentCommand)
        #expect(definition.workspaceFolder == nil && definition.workspaceMount == nil)
    }

    /// A fragment after `"image": "alpine:3.20"`, and what it changes in the defaults.
    struct KeyCase: Sendable, CustomTestStringConvertible {
        let fragment: String
        let edit: Edit

        init(_ fragment: String, _ edit: @escaping Edit = { _ in }) {
            self.fragment = fragment
            self.edit = edit
        }

        var testDescription: String { fragment }
    }

    static let keyCases: [KeyCase] = [
        KeyCase(#""name": "Dev""#, { $0.name = "Dev" }),
        KeyCase(#""containerEnv": {"A": "1", "B": "x=y", "C": ""}"#, { $0.containerEnv = ["A=1", "B=x=y", "C="] }),
        KeyCase(#""remoteEnv": {"PATH": "${containerEnv:PATH}:/opt/bin", "GONE": null}"#,
         { $0.remoteEnv = ["PATH=${containerEnv:PATH}:/opt/bin", "GONE"] }),
        KeyCase(#""containerUser": "root", "remoteUser": "vscode""#, { $0.containerUser = "root"; $0.remoteUser = "vscode" }),
        KeyCase(#""remoteUser": """#),
        KeyCase(#""userEnvProbe": "none""#, { $0.userEnvProbe = EnvironmentDefinition.EnvProbe.none }),
        KeyCase(#""userEnvProbe": "interactiveShell""#, { $0.userEnvProbe = .interactiveShell }),
        KeyCase(#""updateRemoteUserUID": false, "overrideCommand": false"#, { $0.updateRemoteUserUID = false; $0.overrideCommand = false }),
        KeyCase(#""shutdownAction": "none""#, { $0.shutdownAction = EnvironmentDefinition.ShutdownAction.none }),
        KeyCase(#""capAdd": ["SYS_PTRACE", "NET_ADMIN", "SYS_PTRACE"]"#, { $0.capAdd = ["SYS_PTRACE", "NET_ADMIN"] }),
        KeyCase(#""securityOpt": ["seccomp=unconfined"]"#, { $0.securityOpt = ["seccomp=unconfined"] }),
        KeyCase(#""privileged": true, "init": true"#, { $0.privileged = true }),
        KeyCase(#""runArgs": ["--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined"]"#,
         { $0.runArgs = ["--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined"] }),
        KeyCase(#""postCreateCommand": "npm install""#, { $0.lifecycle[.postCreateCommand] = [.shell("npm install")] }),
        KeyCase(#""postStartCommand": ["git", "fetch", "--all"]"#, { $0.lifecycle[.postStartCommand] = [.argv(["git", "fetch", "--all"])] }),
        KeyCase(#""onCreateCommand": {"deps": "npm ci", "tools": ["go", "install", "x"], "none": []}"#,
         { $0.lifecycle[.onCreateCommand] = [.parallel([.init(name: "deps", command: .shell("npm ci")),
                                                        .init(name: "tools", command: .argv(["go", "install", "x"]))])] }),
        KeyCase(#""updateContentCommand": [], "postAttachCommand": "", "initializeCommand": {}"#),
        KeyCase(#""initializeCommand": "echo host""#, { $0.lifecycle[.initializeCommand] = [.shell("echo host")] }),
        KeyCase(#""waitFor": "postCreateCommand""#, { $0.waitFor = .postCreateCommand }),
        KeyCase(#""forwardPorts": [3000, "db:5432", 0, 65535]"#, { $0.forwardPorts = ["3000", "db:5432", "0", "65535"] }),
        KeyCase(#""portsAttributes": {"3000": {"label": "App"}}, "otherPortsAttributes": {"onAutoForward": "silent"}"#),
        KeyCase(#""hostRequirements": {"cpus": 4, "memory": "8gb", "storage": "32GB"}"#,
         { $0.hostRequirements = .init(cpus: 4, memory: 8 << 30, storage: 32 << 30) }),
        KeyCase(#""hostRequirements": {"memory": "512MB", "storage": "1tb"}"#,
         { $0.hostRequirements = .init(memory: 512 << 20, storage: 1 << 40) }),
        KeyCase(#""hostRequirements": {"memory": "1024", "storage": "3Kb"}"#, { $0.hostRequirements = .init(memory: 1024, storage: 3072) }),
        KeyCase(#""workspaceFolder": "/workspace/""#, { $0.workspaceFolder = "/workspace" }),
        KeyCase(#""workspaceMount": "source=${localWorkspaceFolder},target=/workspace,type=bind,consistency=cached""#,
         { $0.workspaceMount = "type=bind,source=/home/dev/proj,target=/workspace"; $0.workspaceFolder = "/workspace" }),
        KeyCase(#""workspaceFolder": "/src/${localWorkspaceFolderBasename}", "workspaceMount": "type=bind,src=${localWorkspaceFolder},dst=${containerWorkspaceFolder}""#,
         { $0.workspaceMount = "type=bind,source=/home/dev/proj,target=/src/proj"; $0.workspaceFolder = "/src/proj" }),
        KeyCase(#""workspaceMount": """#, { $0.workspaceMount = "" }),
        KeyCase(#""customizations": {"vscode": {"settings": {"x": "${workspaceFolder}"}}}, "$schema": "https://x", "features": {}"#),
        KeyCase(#""extensions": ["ms-python.python"], "settings": {"a": 1}"#),
    ]

    @Test("each key lands in its field", arguments: keyCases)
    func keys(_ row: KeyCase) throws {
        var definition = try DevcontainerFixture.parse("{\"image\": \"alpine:3.20\", \(row.fragment)}")
        #expect(definition.warnings == [])
        #expect(definition.explicitlySet.contains("image"))
        definition.explicitlySet = []
        var expected = DevcontainerFixture.base()
        row.edit(&expected)
        #expect(definition == expected)
    }

    @Test("mounts in docker's --mount syntax and the spec's object form become devbox's --mount syntax", arguments: [
        ("\"source=${localEnv:HOME}/.ssh,target=/home/vscode/.ssh,type=bind,consistency=cached\"",
         "type=bind,source=/home/dev/.ssh,target=/home/vscode/.ssh"),
        ("\"src=cache-${devcontainerId},dst=/cache,type=volume\"",
         "type=volume,source=cache-\(DevcontainerFixture.context.devcontainerId),target=/cache"),
        ("\"type=bind,source=/etc/hosts,destination=/etc/hosts,readonly\"", "type=bind,source=/etc/hosts,target=/etc/hosts,readonly"),
        ("\"Type=bind,Source=/a,Target=/b,ro=true\"", "type=bind,source=/a,target=/b,readonly"),
        ("\"type=bind,source=/a,target=/b,ro=false\"", "type=bind,source=/a,target=/b"),
        ("\"target=/anon\"", "type=volume,target=/anon"),
        ("\"type=tmpfs,target=/scratch/,tmpfs-size=64m,tmpfs-mode=1777\"", "type=tmpfs,target=/scratch,tmpfs-size=64m,tmpfs-mode=1777"),
        ("{\"source\": \"dind-var-lib-docker\", \"target\": \"/var/lib/docker\", \"type\": \"volume\"}",
         "type=volume,source=dind-var-lib-docker,target=/var/lib/docker"),
        ("{\"type\": \"bind\", \"source\": \"${localWorkspaceFolder}/data\", \"target\": \"/data\", \"readonly\": true}",
         "type=bind,source=/home/dev/proj/data,target=/data,readonly"),
    ])
    func mounts(entry: String, mount: String) throws {
        let definition = try DevcontainerFixture.parse("{\"image\": \"alpine:3.20\", \"mounts\": [\(entry)]}")
        #expect(definition.mounts == [mount])
        #expect(definition.warnings == [])
    }

    @Test("a later mount on the same target replaces the earlier one")
    func mountTargets() throws {
        let definition = try DevcontainerFixture.parse("""
        {"image": "alpine:3.20", "mounts": ["source=a,target=/x,type=volume", "source=/b,target=/y,type=bind", "source=c,target=/x/,type=volume"]}
        """)
        #expect(definition.mounts == ["type=bind,source=/b,target=/y", "type=volume,source=c,target=/x"])
    }

    @Test("keys devbox passes over are said, with file:line; unknown ones with a guess", arguments: [
        ("\"appPort\": [3000]", ".devcontainer/devcontainer.json:1: 'appPort' is ignored: devbox does not publish ports; the container shares the host's network unless runArgs says otherwise"),
        ("\"context\": \"..\"", ".devcontainer/devcontainer.json:1: 'context' is ignored: it only matters when building an image"),
        ("\"frobnicate\": true", ".devcontainer/devcontainer.json:1: unknown key 'frobnicate' is ignored"),
        ("\"RemoteUser\": \"x\"", ".devcontainer/devcontainer.json:1: unknown key 'RemoteUser' is ignored; did you mean 'remoteUser'?"),
        ("\"postCreateCommmand\": \"x\"", ".devcontainer/devcontainer.json:1: unknown key 'postCreateCommmand' is ignored; did you mean 'postCreateCommand'?"),
        ("\"mounts\": [\"source=/a,target=/b,type=bind,bind-propagation=rshared\"]",
         ".devcontainer/devcontainer.json:1: mount option 'bind-propagation' in 'mounts' is ignored"),
        ("\"hostRequirements\": {\"gpu\": \"optional\"}",
         ".devcontainer/devcontainer.json:1: 'hostRequirements.gpu' is not checked: devbox does not pass GPUs through"),
    ])
    func warnings(fragment: String, warning: String) throws {
        let definition = try DevcontainerFixture.parse("{\"image\": \"alpine:3.20\", \(fragment)}")
        #expect(definition.warnings == [warning])
    }

    @Test("an unknown key is not recorded as set")
    func unknownNotSet() throws {
        let definition = try DevcontainerFixture.parse("{\"image\": \"a\", \"foo\": 1, \"remoteUser\": \"u\", \"customizations\": {}}")
        #expect(definition.explicitlySet == ["image", "remoteUser", "customizations"])
    }
}
