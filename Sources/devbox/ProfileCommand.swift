import ArgumentParser
import Platform
import Profiles
import Project

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "List, show and check security profiles.",
        subcommands: [List.self, Show.self, Check.self])

    static func resolver() -> ProfileResolver {
        let env = ProcessEnvironment.current()
        let cwd = FileSystem.currentDirectory() ?? "/"
        let project = ProjectLocator.locate(from: cwd, exists: FileSystem.exists)
        return ProfileResolver.standard(environment: env, home: env["HOME"] ?? "/", project: project.root)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Profiles by name, with what each is for.")
        func run() throws {
            let resolver = ProfileCommand.resolver()
            var rows = [["NAME", "DESCRIPTION"]]
            for name in resolver.available() {
                rows.append([name, (try? resolver.resolve(name).description) ?? "(invalid: run devbox profile check)"])
            }
            print(table(rows))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The resolved profile, with extends applied.")
        @Argument(help: "Profile name or file.") var name: String
        func run() throws {
            do {
                let p = try ProfileCommand.resolver().resolve(name)
                var lines = ["name = \"\(p.name)\"", "description = \"\(p.description)\"",
                             "no_new_privileges = \(p.noNewPrivileges)", "network = \"\(p.network)\"",
                             "read_only_root = \(p.readOnlyRoot)", "read_only_project = \(p.readOnlyProject)",
                             "nested_user_namespaces = \(p.nestedUserNamespaces)", "", "[capabilities]",
                             "keep = [" + p.capabilities.map { "\"\($0)\"" }.joined(separator: ", ") + "]", "", "[paths]",
                             "masked = [" + p.maskedPaths.map { "\"\($0)\"" }.joined(separator: ", ") + "]",
                             "read_only = [" + p.readOnlyPaths.map { "\"\($0)\"" }.joined(separator: ", ") + "]"]
                if !p.rlimits.isEmpty {
                    lines += ["", "[rlimits]"] + p.rlimits.sorted { $0.key < $1.key }.map { "\($0.key) = [\($0.value[0]), \($0.value[1])]" }
                }
                if !p.environment.isEmpty {
                    lines += ["", "[env]"] + p.environment.sorted { $0.key < $1.key }.map { "\($0.key) = \"\($0.value)\"" }
                }
                print(lines.joined(separator: "\n"))
            } catch {
                fail(error, code: 2)
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "check", abstract: "Validate a profile file; errors name the file, line and key.")
        @Argument(help: "Profile file.") var file: String
        func run() throws {
            do {
                let p = try ProfileCommand.resolver().check(path: file.contains("/") ? file : "./" + file)
                print("\(file): ok (\(p.capabilities.count) capabilities, network \(p.network))")
            } catch {
                fail(error, code: 2)
            }
        }
    }
}
