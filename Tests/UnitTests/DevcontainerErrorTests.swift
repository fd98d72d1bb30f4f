import Foundation
import Project
import Testing

@Suite("devcontainer.json that devbox cannot honour is one error naming file:line")
struct DevcontainerErrorTests {
    static let known = "localWorkspaceFolder, localWorkspaceFolderBasename, containerWorkspaceFolder, "
        + "containerWorkspaceFolderBasename, localEnv:NAME[:default], env:NAME[:default], devcontainerId, "
        + "and containerEnv:NAME[:default] in remoteEnv"

    /// `fragment` sits on line 3, after a comment and the image.
    @Test("wrong types and values are errors on the value's line", arguments: [
        (#""capAdd": "SYS_PTRACE""#, "'capAdd' must be an array of strings, not a string"),
        (#""capAdd": ["SYS_PTRACE", 3]"#, "'capAdd' must be an array of strings; element 2 is a number"),
        (#""securityOpt": {}"#, "'securityOpt' must be an array of strings, not an object"),
        (#""runArgs": "--privileged""#, "'runArgs' must be an array of strings, not a string"),
        (#""containerEnv": []"#, "'containerEnv' must be an object of strings, not an array"),
        (#""containerEnv": {"A": 1}"#, "'containerEnv' must be an object of strings; 'A' is a number"),
        (#""containerEnv": {"A": null}"#, "'containerEnv' must be an object of strings; 'A' is null"),
        (#""containerEnv": {"A=B": "x"}"#, "'containerEnv' has the variable name 'A=B'; a name cannot be empty or hold '='"),
        (#""remoteEnv": {"A": true}"#, "'remoteEnv' must be an object of strings (or null); 'A' is a boolean"),
        (#""overrideCommand": "yes""#, "'overrideCommand' must be true or false, not a string"),
        (#""privileged": 1"#, "'privileged' must be true or false, not a number"),
        (#""init": null"#, "'init' must be true or false, not null"),
        (#""remoteUser": ["a"]"#, "'remoteUser' must be a string, not an array"),
        (#""userEnvProbe": "login""#, "'userEnvProbe' must be one of none, loginShell, interactiveShell, loginInteractiveShell, not 'login'"),
        (#""shutdownAction": true"#, "'shutdownAction' must be one of none, stopContainer, stopCompose, not a boolean"),
        (#""waitFor": "postAttachCommand""#, "'waitFor' must be one of initializeCommand, onCreateCommand, updateContentCommand, postCreateCommand, postStartCommand, not 'postAttachCommand'"),
        (#""postCreateCommand": 5"#, "'postCreateCommand' must be a string, an array of strings, or an object whose values are those, not a number"),
        (#""postCreateCommand": {"a": {"b": "c"}}"#, "'postCreateCommand' must be a string, an array of strings, or an object whose values are those, not an object"),
        (#""postStartCommand": ["make", 1]"#, "'postStartCommand' must be an array of strings; element 2 is a number"),
        (#""forwardPorts": 3000"#, "'forwardPorts' must be an array of port numbers or \"host:port\" strings, not a number"),
        (#""forwardPorts": [70000]"#, "'forwardPorts' must be a whole number from 0 to 65535"),
        (#""forwardPorts": [3000.5]"#, "'forwardPorts' must be a whole number from 0 to 65535"),
        (#""forwardPorts": ["3000"]"#, "'forwardPorts' must be an array of port numbers or \"host:port\" strings; \"3000\" is neither"),
        (#""hostRequirements": "big""#, "'hostRequirements' must be an object, not a string"),
        (#""hostRequirements": {"memory": "4 GB"}"#, "'hostRequirements.memory' must be a size such as \"4gb\" (a number with tb, gb, mb or kb), not \"4 GB\""),
        (#""hostRequirements": {"storage": "99999999999tb"}"#, "'hostRequirements.storage' is too large: \"99999999999tb\""),
        (#""hostRequirements": {"cpus": 0}"#, "'hostRequirements.cpus' must be a whole number from 1 to 2147483647"),
        (#""mounts": "source=a,target=/b""#, "'mounts' must be an array of --mount strings or mount objects, not a string"),
        (#""mounts": [3]"#, "'mounts' must be a --mount string such as \"source=NAME,target=/path,type=volume\" or an object, not a number"),
        (#""mounts": ["source=a,type=volume"]"#, "a mount in 'mounts' has no target; write target=/path/in/the/container"),
        (#""mounts": [{"source": "a", "type": "volume"}]"#, "a mount in 'mounts' has no target; write target=/path/in/the/container"),
        (#""mounts": ["source=rel,target=/b,type=bind"]"#, "the bind mount source 'rel' in 'mounts' must be an absolute path (e.g. ${localWorkspaceFolder}/rel)"),
        (#""mounts": ["source=a,target=b"]"#, "the mount target 'b' in 'mounts' must be an absolute path other than /"),
        (#""mounts": ["source=a,target=/b,foo=bar"]"#, "unknown mount option 'foo=bar' in 'mounts'; devbox takes type, source, target, readonly, tmpfs-size and tmpfs-mode"),
        (#""mounts": [{"src": "a", "target": "/b"}]"#, "unknown mount field 'src' in 'mounts'; a mount object takes type, source, target and readonly"),
        (#""mounts": ["source=a b,target=/b"]"#, "'mounts': invalid volume name 'a b'; use letters, digits, '_', '.' and '-', starting with a letter or digit"),
        (#""mounts": ["source=a,target=/b,type=npipe"]"#, "'mounts': invalid --mount 'type=npipe,source=a,target=/b': type 'npipe' is not bind, volume or tmpfs; write type=bind|volume|tmpfs,src=SRC,dst=DST[,ro]"),
        (#""image": """#, "'image' must be an image reference such as \"alpine:3.20\", not \"\""),
        (#""image": "alpine 3""#, "'image' must be an image reference such as \"alpine:3.20\", not \"alpine 3\""),
        (#""name": 3"#, "'name' must be a string, not a number"),
        (#""name": "a\u0000b""#, "'name' holds a NUL character (\\u0000)"),
        (#""workspaceFolder": "workspace""#, "'workspaceFolder' must be an absolute path other than /, not \"workspace\""),
        (#""workspaceFolder": "${containerWorkspaceFolder}/x""#, "${containerWorkspaceFolder} cannot be used in 'workspaceFolder', which defines it"),
        (#""workspaceMount": "type=bind,source=/a,target=${containerWorkspaceFolder}""#, "${containerWorkspaceFolder} cannot be used in 'workspaceMount', which defines it"),
        (#""workspaceMount": 3"#, "'workspaceMount' must be a --mount string such as \"source=${localWorkspaceFolder},target=/workspace,type=bind\", not a number"),
        (#""postCreateCommand": "echo ${foo}""#, "unknown variable ${foo} in 'postCreateCommand'; devcontainer.json knows: \(known); a shell variable in a command is written $foo, without braces"),
        (#""mounts": ["source=${localWorkspaceFolderr}/x,target=/x,type=bind"]"#, "unknown variable ${localWorkspaceFolderr} in 'mounts'; devcontainer.json knows: \(known); did you mean ${localWorkspaceFolder}?"),
        (#""runArgs": ["${HOME:-/root}"]"#, "unknown variable ${HOME:-/root} in 'runArgs'; devcontainer.json knows: \(known)"),
        (#""containerEnv": {"P": "${containerEnv:PATH}:/x"}"#, "${containerEnv:PATH} in 'containerEnv' is only allowed in remoteEnv: the container's environment is not known until it runs"),
        (#""postStartCommand": {"a": ["echo", "${containerEnv:HOME}"]}"#, "${containerEnv:HOME} in 'postStartCommand' is only allowed in remoteEnv: the container's environment is not known until it runs"),
        (#""remoteEnv": {"P": "${containerEnv}"}"#, "${containerEnv} in 'remoteEnv' names no variable; write ${containerEnv:NAME}"),
        (#""name": "${localEnv}""#, "${localEnv} in 'name' names no variable; write ${localEnv:NAME}"),
    ])
    func wrongValues(fragment: String, message: String) {
        let json = "// a comment\n{\"image\": \"alpine:3.20\",\n\(fragment)\n}\n"
        #expect(DevcontainerFixture.failure(json) == ".devcontainer/devcontainer.json:3: \(message)")
    }

    @Test("building, features and Compose are refused at the key's line", arguments: [
        ("\"build\": {\"dockerfile\": \"Dockerfile\"}", "'build' is not supported: devbox cannot build images yet; build the image elsewhere and name it with \"image\" (a prebuilt one such as \"mcr.microsoft.com/devcontainers/base:ubuntu\" works too)"),
        ("\"dockerFile\": \"Dockerfile\"", "'dockerFile' is not supported: devbox cannot build images yet; build the image elsewhere and name it with \"image\" (a prebuilt one such as \"mcr.microsoft.com/devcontainers/base:ubuntu\" works too)"),
        ("\"dockerfile\": \"Dockerfile\"", "'dockerfile' is not supported: devbox cannot build images yet; build the image elsewhere and name it with \"image\" (a prebuilt one such as \"mcr.microsoft.com/devcontainers/base:ubuntu\" works too)"),
        ("\"features\": {\"ghcr.io/devcontainers/features/node:1\": {}}", "'features' is not supported: features are installed by building an image, which devbox cannot do yet; use an image that already holds what they add"),
        ("\"features\": []", "'features' is not supported: features are installed by building an image, which devbox cannot do yet; use an image that already holds what they add"),
        ("\"dockerComposeFile\": [\"compose.yml\"], \"service\": \"app\"", "'dockerComposeFile' is not supported: devbox runs one container from an image, not Docker Compose services; give \"image\" instead"),
    ])
    func refused(fragment: String, message: String) {
        // Refused even with an image, and before anything else in the file is read.
        let json = "{\n  \"name\": \"${unknownVariable}\",\n  \(fragment),\n  \"image\": \"alpine\"\n}"
        #expect(DevcontainerFixture.failure(json) == ".devcontainer/devcontainer.json:3: \(message)")
    }

    @Test("a file with no image says to give one")
    func noImage() {
        #expect(DevcontainerFixture.failure("\n{\"name\": \"x\", \"features\": {}}")
            == ".devcontainer/devcontainer.json:2: no \"image\": give an image to run, e.g. \"image\": \"mcr.microsoft.com/devcontainers/base:ubuntu\" (devbox cannot build one)")
    }

    @Test("a file that is not one JSON object is refused with the reader's line", arguments: [
        ("[]", ".devcontainer/devcontainer.json:1: devcontainer.json must be one JSON object ({ ... }), not an array"),
        ("", ".devcontainer/devcontainer.json:1: no JSON value: the file is empty or holds only comments"),
        ("{\n  // fine\n  \"image\": \"a\",\n  /* a\n  block */\n  \"name\": \"x\"\n  \"remoteUser\": \"y\"\n}",
         ".devcontainer/devcontainer.json:7: expected ',' or '}' after the value of \"name\", found '\"'"),
    ])
    func notAnObject(json: String, message: String) {
        #expect(DevcontainerFixture.failure(json) == message)
    }

    @Test("hostile input gives an error, never a crash")
    func hostile() throws {
        let deep = "{\"image\": \"a\", \"customizations\": " + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(DevcontainerFixture.failure(deep) == ".devcontainer/devcontainer.json:1: nested deeper than 64 levels")

        var bytes = Array("{\n\"image\": \"alpine\",\n\"name\": \"".utf8) + [0xc0, 0xaf] + Array("\"}".utf8)
        #expect(throws: ConfigError(file: "f", line: 3, message: "invalid UTF-8 in a string")) {
            try DevcontainerParser.parse(bytes: bytes, file: "f", context: DevcontainerFixture.context)
        }
        bytes = Array("{\"image\": \"alpine\"}\0".utf8)
        #expect(throws: ConfigError(file: "f", line: 1, message: "unexpected control character 0x00 after the end of the JSON value")) {
            try DevcontainerParser.parse(bytes: bytes, file: "f", context: DevcontainerFixture.context)
        }

        // A 10 MB value parses (the size limit is load's, below); as an image it is refused, as a name kept.
        let big = String(repeating: "x", count: 10_000_000)
        #expect(try DevcontainerFixture.parse("{\"image\": \"alpine\", \"name\": \"\(big)\"}").name?.utf8.count == 10_000_000)
        #expect(DevcontainerFixture.failure("{\"image\": \"a\", \"\(big)\": 1}") == nil)
    }

    @Test("load reads the file; one that is missing or over 1 MiB is an error for the whole file")
    func load() throws {
        let dir = "/tmp/devbox-dc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/devcontainer.json"
        let context = DevcontainerContext(projectRoot: dir, localEnv: [:], configFile: file)
        #expect(throws: ConfigError(file: "dc.json", line: 0, message: "cannot be read; make it a readable file or name another with --config")) {
            try DevcontainerParser.load(file: "dc.json", context: context)
        }
        try "{\"image\": \"alpine\", // c\n}".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try DevcontainerParser.load(file: "dc.json", context: context).image == "alpine")
        try ("{\"image\": \"alpine\", \"name\": \"" + String(repeating: "x", count: 10_000_000) + "\"}").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(throws: ConfigError(file: "dc.json", line: 0, message: "is over 1 MiB, which no devcontainer.json needs; is it the right file?")) {
            try DevcontainerParser.load(file: "dc.json", context: context)
        }
    }
}
