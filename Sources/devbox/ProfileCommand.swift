import ArgumentParser
import Platform
import Profiles
import Project

struct ProfileCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile", abstract: "List, show and check security profiles.",
        subcommands: [List.self, Show.self, Check.self])

    /// The project's profiles are offered only where a run would find the
    /// same project (never from home or `/`).
    static func resolver(allowWeakerProjectProfiles: Bool = false) -> ProfileResolver {
        let host = HostFacts.current()
        let project = try? ProjectSelection.resolve(nil, host: host)
        return ProfileResolver.standard(environment: host.environment, home: host.home, project: project?.root,
                                        allowWeakerProjectProfiles: allowWeakerProjectProfiles)
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Profiles by name, with where each comes from and what it is for.")
        func run() throws {
            let resolver = ProfileCommand.resolver()
            var rows = [["NAME", "SOURCE", "DESCRIPTION"]]
            for row in resolver.available() {
                let description: String
                if let ignored = row.ignored {
                    description = "(ignored: \(ignored))"
                } else {
                    do {
                        description = try resolver.resolve(row.name).description
                    } catch .weakerProjectProfile, .projectExtendsUnconfined {
                        description = "(weaker than what it extends: used only with --allow-project-profile; see `devbox profile show \(row.name)`)"
                    } catch {
                        description = "(invalid: run devbox profile check)"
                    }
                }
                rows.append([row.name, row.origin.description, description])
            }
            print(table(rows))
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "show", abstract: "The resolved profile, with extends applied.")
        @Argument(help: "Profile name or file.", completion: .custom(DynamicCompletion.profiles)) var name: String
        func run() throws {
            do {
                let resolved = try ProfileCommand.resolver(allowWeakerProjectProfiles: true).resolveWithOrigin(name)
                let p = resolved.profile
                var lines = resolved.weakenings.map { "# refused by devbox run without --allow-project-profile: \($0)" }
                lines += ["name = \"\(p.name)\"", "source = \"\(resolved.origin)\"", "description = \"\(p.description)\"",
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
                fail(error, code: ExitStatus.usage)
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
                fail(error, code: ExitStatus.usage)
            }
        }
    }
}
