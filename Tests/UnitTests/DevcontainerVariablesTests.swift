import Project
import Testing

@Suite("devcontainer.json variables and ${devcontainerId}")
struct DevcontainerVariablesTests {
    /// `value` as the name of a config in the fixture project, after substitution.
    static func substituted(_ value: String, workspaceFolder: String? = nil) throws -> String? {
        let folder = workspaceFolder.map { ", \"workspaceFolder\": \"\($0)\"" } ?? ""
        return try DevcontainerFixture.parse("{\"image\": \"a\"\(folder), \"name\": \"\(value)\"}").name
    }

    @Test("each variable is replaced as the spec and the devcontainers CLI replace it", arguments: [
        ("${localWorkspaceFolder}", nil, "/home/dev/proj"),
        ("${localWorkspaceFolderBasename}", nil, "proj"),
        ("${containerWorkspaceFolder}", nil, "/home/dev/proj"),
        ("${containerWorkspaceFolderBasename}", nil, "proj"),
        ("${containerWorkspaceFolder}", "/workspaces/${localWorkspaceFolderBasename}", "/workspaces/proj"),
        ("${containerWorkspaceFolderBasename}", "/workspaces/app", "app"),
        ("${localEnv:HOME}/x", nil, "/home/dev/x"),
        ("${env:USER}", nil, "dev"),
        ("[${localEnv:MISSING}]", nil, "[]"),
        ("${localEnv:MISSING:fallback}", nil, "fallback"),
        ("${localEnv:EMPTY:fallback}", nil, ""),
        ("${localEnv:HOME:fallback}", nil, "/home/dev"),
        // The CLI splits at every ':', so a default stops at the next one.
        ("${localEnv:MISSING:http://x}", nil, "http"),
        ("${localEnv:}", nil, ""),
        ("${localWorkspaceFolder:ignored}", nil, "/home/dev/proj"),
        ("a${localEnv:USER}b${localEnv:USER}c", nil, "adevbdevc"),
        ("$HOME and $ alone and ${ unterminated", nil, "$HOME and $ alone and ${ unterminated"),
        ("${localEnv:USER${localEnv:USER}}", nil, "USER}"),
        ("no variables", nil, "no variables"),
    ] as [(String, String?, String)])
    func variables(value: String, workspaceFolder: String?, result: String) throws {
        #expect(try Self.substituted(value, workspaceFolder: workspaceFolder) == result)
    }

    @Test("a substituted value is not scanned again")
    func onePass() throws {
        let context = DevcontainerContext(projectRoot: "/p", localEnv: ["X": "${localEnv:Y}", "Y": "no"], configFile: "/p/.devcontainer.json")
        let definition = try DevcontainerParser.parse("{\"image\": \"a\", \"name\": \"${localEnv:X}\"}", file: "f", context: context)
        #expect(definition.name == "${localEnv:Y}")
    }

    @Test("variables reach every string the definition takes, nested ones included")
    func everywhere() throws {
        let id = DevcontainerFixture.context.devcontainerId
        let definition = try DevcontainerFixture.parse("""
        {
          "image": "${localEnv:REGISTRY:ghcr.io}/dev:${localEnv:USER}",
          "containerEnv": {"PROJECT": "${localWorkspaceFolderBasename}"},
          "remoteEnv": {"PATH": "${containerEnv:PATH}:${containerWorkspaceFolder}/bin", "ID": "${devcontainerId}"},
          "containerUser": "${localEnv:USER}",
          "runArgs": ["--name", "dev-${devcontainerId}"],
          "postCreateCommand": {"a": "echo ${localEnv:USER}", "b": ["ls", "${containerWorkspaceFolder}"]},
          "forwardPorts": ["${localEnv:DBHOST:db}:5432"]
        }
        """)
        #expect(definition.image == "ghcr.io/dev:dev")
        #expect(definition.containerEnv == ["PROJECT=proj"])
        #expect(definition.remoteEnv == ["PATH=${containerEnv:PATH}:/home/dev/proj/bin", "ID=\(id)"])
        #expect(definition.containerUser == "dev")
        #expect(definition.runArgs == ["--name", "dev-\(id)"])
        #expect(definition.lifecycle[.postCreateCommand] == [.parallel([.init(name: "a", command: .shell("echo dev")),
                                                                        .init(name: "b", command: .argv(["ls", "/home/dev/proj"]))])])
        #expect(definition.forwardPorts == ["db:5432"])
    }

    @Test("${containerEnv:...} is resolved later, from the running container", arguments: [
        ("${containerEnv:PATH}:/opt/bin", "/usr/bin:/opt/bin"),
        ("${containerEnv:MISSING}", ""),
        ("${containerEnv:MISSING:dflt}", "dflt"),
        ("${containerEnv:PATH:dflt}", "/usr/bin"),
        ("${containerEnv}", "${containerEnv}"),
        ("${localEnv:X} $PATH", "${localEnv:X} $PATH"),
    ])
    func containerEnv(value: String, result: String) {
        #expect(DevcontainerVariables.resolveContainerEnv(value, containerEnv: ["PATH": "/usr/bin"]) == result)
    }

    /// Expected values from the devcontainers CLI's own function
    /// (src/spec-common/variableSubstitution.ts, devcontainerIdForLabels),
    /// run in node 18:
    ///
    ///     const crypto = require("crypto");
    ///     function id(l) { const s = JSON.stringify(l, Object.keys(l).sort());
    ///       const h = crypto.createHash("sha256").update(Buffer.from(s, "utf-8")).digest();
    ///       return BigInt("0x" + h.toString("hex")).toString(32).padStart(52, "0"); }
    ///
    /// and cross-checked for the first two with python3 (json.dumps with
    /// sort_keys and separators=(",", ":"), then base 32 by hand).
    @Test("${devcontainerId} matches the devcontainers CLI's value for the same labels", arguments: [
        (["devcontainer.local_folder": "/home/dev/proj", "devcontainer.config_file": "/home/dev/proj/.devcontainer/devcontainer.json"],
         "1doad7nfla9kk5en39fsj5hl42j983cs1h7n7t7u2n7pgoio33ga"),
        (["a": "b"], "1mqafr5h2iu6dhh3k1m4vtnuhml2uiec4s7bntt1v0f25ao63i1n"),
        // Quotes, backslashes, control characters and non-ASCII as JSON.stringify escapes them; leading zero digits.
        (["devcontainer.local_folder": "/tmp/we\"ird\\dir\n\u{1}é", "devcontainer.config_file": "/x"],
         "0lmsas8uh1nmasrtf4lnul2mg5knvqtkcq0265neah9u0ruisr4k"),
    ])
    func devcontainerId(labels: [String: String], id: String) {
        #expect(DevcontainerID.compute(labels: labels) == id)
    }

    @Test("the context's id uses the project root and the config file, as the CLI's labels do")
    func contextId() throws {
        #expect(DevcontainerFixture.context.devcontainerId == "1doad7nfla9kk5en39fsj5hl42j983cs1h7n7t7u2n7pgoio33ga")
        #expect(try Self.substituted("${devcontainerId}") == "1doad7nfla9kk5en39fsj5hl42j983cs1h7n7t7u2n7pgoio33ga")
    }
}
