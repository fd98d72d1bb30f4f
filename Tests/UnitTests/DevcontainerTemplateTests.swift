import Foundation
import Project
import Testing

/// Files written the way public repositories write them: the VS Code
/// templates' comment style, commented-out keys, trailing commas, CRLF,
/// object-form lifecycle commands, ${localEnv:HOME} mounts and
/// ptrace-enabling runArgs.
@Suite("realistic devcontainer.json files read as their authors mean")
struct DevcontainerTemplateTests {
    @Test("a Node/TypeScript template with its comments and commented-out keys")
    func node() throws {
        let definition = try DevcontainerFixture.parse("""
        // Format details: https://aka.ms/devcontainer.json. For config options, see the
        // README at: https://github.com/devcontainers/templates/tree/main/src/typescript-node
        {
        \t"name": "Node.js & TypeScript",
        \t// Or use a Dockerfile or Docker Compose file. More info: https://containers.dev/guide/dockerfile
        \t"image": "mcr.microsoft.com/devcontainers/typescript-node:1-20-bookworm",

        \t// Features to add to the dev container. More info: https://containers.dev/features.
        \t// "features": {},

        \t// Use 'forwardPorts' to make a list of ports inside the container available locally.
        \t"forwardPorts": [3000],

        \t// Use 'postCreateCommand' to run commands after the container is created.
        \t"postCreateCommand": "yarn install",

        \t// Configure tool-specific properties.
        \t"customizations": {
        \t\t"vscode": {
        \t\t\t"extensions": ["dbaeumer.vscode-eslint"],
        \t\t\t"settings": {"eslint.workingDirectories": ["${workspaceFolder}/web"]}
        \t\t}
        \t}

        \t// Uncomment to connect as root instead. More info: https://aka.ms/dev-containers-non-root.
        \t// "remoteUser": "root"
        }
        """)
        var expected = DevcontainerFixture.base()
        expected.name = "Node.js & TypeScript"
        expected.image = "mcr.microsoft.com/devcontainers/typescript-node:1-20-bookworm"
        expected.forwardPorts = ["3000"]
        expected.lifecycle = [.postCreateCommand: [.shell("yarn install")]]
        expected.explicitlySet = ["name", "image", "forwardPorts", "postCreateCommand", "customizations"]
        #expect(definition == expected)
    }

    @Test("a Python config with parallel commands, a home-directory mount, remoteEnv and trailing commas")
    func python() throws {
        let definition = try DevcontainerFixture.parse("""
        {
          "name": "Python 3",
          "image": "mcr.microsoft.com/devcontainers/python:1-3.12-bullseye",
          "features": {},
          "containerEnv": {
            "PYTHONUNBUFFERED": "1",
            "PIP_CACHE_DIR": "/home/vscode/.cache/pip", // shared with the host below
          },
          "remoteEnv": {
            "PATH": "${containerEnv:PATH}:/home/vscode/.local/bin",
            "LOCAL_USER_PATH": "${localEnv:HOME}",
          },
          "mounts": [
            "source=${localEnv:HOME}/.cache/pip,target=/home/vscode/.cache/pip,type=bind,consistency=cached",
            "source=${localEnv:HOME}${localEnv:USERPROFILE}/.ssh,target=/home/vscode/.ssh,type=bind,readonly",
          ],
          "onCreateCommand": "pip install --user -r requirements.txt",
          "postCreateCommand": {
            "precommit": "pre-commit install",
            "migrate": ["python", "manage.py", "migrate"],
          },
          "postAttachCommand": {
            "server": "python manage.py runserver 0.0.0.0:8000"
          },
          "waitFor": "onCreateCommand",
          "portsAttributes": {"8000": {"label": "Django", "onAutoForward": "notify"}},
          "remoteUser": "vscode",
        }
        """)
        #expect(definition.warnings == [])
        #expect(definition.containerEnv == ["PYTHONUNBUFFERED=1", "PIP_CACHE_DIR=/home/vscode/.cache/pip"])
        #expect(definition.remoteEnv == ["PATH=${containerEnv:PATH}:/home/vscode/.local/bin", "LOCAL_USER_PATH=/home/dev"])
        #expect(definition.mounts == ["type=bind,source=/home/dev/.cache/pip,target=/home/vscode/.cache/pip",
                                      "type=bind,source=/home/dev/.ssh,target=/home/vscode/.ssh,readonly"])
        #expect(definition.lifecycle == [
            .onCreateCommand: [.shell("pip install --user -r requirements.txt")],
            .postCreateCommand: [.parallel([.init(name: "precommit", command: .shell("pre-commit install")),
                                            .init(name: "migrate", command: .argv(["python", "manage.py", "migrate"]))])],
            .postAttachCommand: [.parallel([.init(name: "server", command: .shell("python manage.py runserver 0.0.0.0:8000"))])],
        ])
        #expect(definition.waitFor == .onCreateCommand)
        #expect(definition.remoteUser == "vscode")
    }

    @Test("a Go config with ptrace run arguments, capAdd and securityOpt")
    func go() throws {
        let definition = try DevcontainerFixture.parse("""
        {
        \t"name": "Go",
        \t"image": "mcr.microsoft.com/devcontainers/go:1-1.22-bookworm",
        \t"runArgs": ["--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined"],
        \t"capAdd": ["SYS_PTRACE"],
        \t"securityOpt": ["seccomp=unconfined"],
        \t/* Go modules and the build cache survive rebuilds. */
        \t"mounts": [
        \t\t"source=go-mod-${devcontainerId},target=/go/pkg/mod,type=volume",
        \t\t{"source": "go-build-cache", "target": "/home/vscode/.cache/go-build", "type": "volume"}
        \t],
        \t"postCreateCommand": "go mod download && go install golang.org/x/tools/gopls@latest",
        \t"customizations": {"vscode": {"extensions": ["golang.Go"]}},
        \t"remoteUser": "vscode"
        }
        """)
        #expect(definition.runArgs == ["--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined"])
        #expect(definition.capAdd == ["SYS_PTRACE"])
        #expect(definition.securityOpt == ["seccomp=unconfined"])
        #expect(definition.mounts == ["type=volume,source=go-mod-\(DevcontainerFixture.context.devcontainerId),target=/go/pkg/mod",
                                      "type=volume,source=go-build-cache,target=/home/vscode/.cache/go-build"])
        #expect(definition.warnings == [])
    }

    @Test("a Rust config with argv commands, host requirements and a workspace mount")
    func rust() throws {
        let definition = try DevcontainerFixture.parse("""
        {
          "name": "Rust",
          "image": "mcr.microsoft.com/devcontainers/rust:1-1-bookworm",
          "workspaceMount": "source=${localWorkspaceFolder},target=/workspaces/${localWorkspaceFolderBasename},type=bind,consistency=delegated",
          "workspaceFolder": "/workspaces/${localWorkspaceFolderBasename}",
          "mounts": [
            {"source": "devcontainer-cargo-cache-${devcontainerId}", "target": "/usr/local/cargo", "type": "volume"}
          ],
          "hostRequirements": {"cpus": 4, "memory": "8gb", "storage": "32gb"},
          "updateContentCommand": ["cargo", "fetch"],
          "postStartCommand": "cargo build",
          "init": true,
          "customizations": {"vscode": {"settings": {"lldb.executable": "/usr/bin/lldb"}}}
        }
        """)
        #expect(definition.workspaceFolder == "/workspaces/proj")
        #expect(definition.workspaceMount == "type=bind,source=/home/dev/proj,target=/workspaces/proj")
        #expect(definition.mounts == ["type=volume,source=devcontainer-cargo-cache-\(DevcontainerFixture.context.devcontainerId),target=/usr/local/cargo"])
        #expect(definition.hostRequirements == .init(cpus: 4, memory: 8 << 30, storage: 32 << 30))
        #expect(definition.lifecycle == [.updateContentCommand: [.argv(["cargo", "fetch"])], .postStartCommand: [.shell("cargo build")]])
        #expect(definition.warnings == [])
    }

    @Test("an older C++ config: CRLF, pre-customizations keys, appPort")
    func cpp() throws {
        let text = """
        // See https://aka.ms/vscode-remote/devcontainer.json for format details.
        {
            "name": "C++",
            "image": "mcr.microsoft.com/vscode/devcontainers/cpp:0-debian-11",
            "runArgs": [ "--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined" ],

            // Set *default* container specific settings.json values on container create.
            "settings": {
                "terminal.integrated.shell.linux": "/bin/bash"
            },

            // Add the IDs of extensions you want installed when the container is created.
            "extensions": [
                "ms-vscode.cpptools"
            ],

            "appPort": [ 8080 ],
            "postCreateCommand": "gcc -v",
            "remoteUser": "vscode"
        }
        """.replacingOccurrences(of: "\n", with: "\r\n")
        let definition = try DevcontainerFixture.parse(text)
        #expect(definition.image == "mcr.microsoft.com/vscode/devcontainers/cpp:0-debian-11")
        #expect(definition.runArgs == ["--cap-add=SYS_PTRACE", "--security-opt", "seccomp=unconfined"])
        #expect(definition.lifecycle == [.postCreateCommand: [.shell("gcc -v")]])
        // The warning's line counts CRLF as one line break.
        #expect(definition.warnings == [".devcontainer/devcontainer.json:17: 'appPort' is ignored: devbox does not publish ports; "
                                        + "the container shares the host's network unless runArgs says otherwise"])
    }

    @Test("a docker-outside-of-docker style config: socket bind mount, host command, image's own command")
    func dockerOutside() throws {
        let definition = try DevcontainerFixture.parse("""
        {
          "name": "Java",
          "image": "mcr.microsoft.com/devcontainers/java:1-21",
          "initializeCommand": "docker pull postgres:16 || true",
          "mounts": ["source=/var/run/docker.sock,target=/var/run/docker-host.sock,type=bind"],
          "overrideCommand": false,
          "shutdownAction": "none",
          "userEnvProbe": "loginShell",
          "updateRemoteUserUID": false,
          "containerUser": "vscode",
          "postStartCommand": ["/bin/sh", "-c", "sudo chown vscode /var/run/docker-host.sock"]
        }
        """)
        #expect(definition.lifecycle[.initializeCommand] == [.shell("docker pull postgres:16 || true")])
        #expect(definition.mounts == ["type=bind,source=/var/run/docker.sock,target=/var/run/docker-host.sock"])
        #expect(!definition.overrideCommand && !definition.updateRemoteUserUID)
        #expect(definition.shutdownAction == .none && definition.userEnvProbe == .loginShell)
        #expect(definition.containerUser == "vscode" && definition.remoteUser == nil)
    }
}
