/// The files `devbox init` writes. Pure text, so tests can read them back
/// with the parsers that will read them in use (ProjectConfig for
/// devbox.toml) and run the wrapper script against a fake devbox.
enum InitTemplates {
    /// Where the wrapper script sends people who do not have devbox yet.
    /// A placeholder until the project has a public home: change it here
    /// and every generated script says the new address.
    static let homepage = "https://github.com/OWNER/devbox"

    /// The image a devcontainer.json gets when `--image` is not given: the
    /// devcontainers project's own Debian base, which has the `vscode`
    /// user the commented `remoteUser` example names.
    static let devcontainerImage = "mcr.microsoft.com/devcontainers/base:bookworm"

    /// devbox.toml with every key shown; only `image` is set, and only when
    /// given. Tables come last: a key uncommented below `[env]` would
    /// otherwise land in the table.
    static func devboxToml(image: String?) -> String {
        let imageLine = image.map { "image = \(tomlString($0))" } ?? "# image = \"debian:bookworm\""
        return """
        # devbox.toml: this project's devbox environment. Every key is optional;
        # a key devbox does not know is an error, never skipped.
        # Reference: docs/DEVBOX-TOML.md in devbox's repository.

        # The image to run, pulled when the store lacks it. Without one, the
        # host's own filesystem, read-only, under a writable layer kept per project.
        \(imageLine)

        # A security profile by name: a built-in one (default, strict, build) or
        # .devbox/profiles/NAME.toml in this project. Default: "default".
        # profile = "strict"

        # The container's user as name[:group] or uid[:gid]. Default: the image's.
        # user = "1000:1000"

        # Where commands start inside (an absolute path). Default: the directory
        # you run devbox from, at its own path.
        # workdir = "/src"

        # "host" shares the host's network; "none" gives the container none.
        # network = "none"

        # hostname = "dev"

        # Bind mounts and named volumes, in podman's --mount and -v syntax. A
        # relative source is relative to this file's directory.
        # mounts = [
        #   "type=bind,source=./data,target=/data,readonly",
        #   "type=volume,source=cache,target=/var/cache/build",
        # ]
        # volumes = ["./build:/build", "cargo:/usr/local/cargo:ro"]

        # Commands run when the environment is created, and again whenever
        # this list changes: a string, or an array run in order.
        # setup = [
        #   "apt-get update",
        #   "apt-get install -y --no-install-recommends build-essential",
        # ]

        # Environment variables for everything that runs inside.
        # [env]
        # RUST_BACKTRACE = "1"

        # Named shell commands for this project, in the order listed.
        # [tasks]
        # test = "make test"
        # lint = "make lint"

        """
    }

    /// `.devcontainer/devcontainer.json` in the shape VS Code's templates
    /// use: the settings that matter set, the common ones commented out,
    /// each commented one ending in the comma it needs once uncommented
    /// (add one after "image" too).
    static func devcontainerJSON(name: String, image: String?) -> String {
        let imageComment = image == nil ? "\n    // A general-purpose Debian image; replace it with the one your project needs." : ""
        return """
        // devcontainer.json: this project's development container, for devbox,
        // VS Code and the devcontainers CLI. It is JSON with comments.
        // Reference: https://containers.dev/implementors/json_reference/
        {
            "name": \(jsonString(name)),\(imageComment)
            "image": \(jsonString(image ?? devcontainerImage))

            // The user commands run as inside. Default: the image's user.
            // "remoteUser": "vscode",

            // Run once, after the container is created.
            // "postCreateCommand": "make deps",

            // More mounts, in --mount syntax.
            // "mounts": ["source=${localWorkspaceFolder}/../data,target=/data,type=bind"],

            // Environment variables for the whole container.
            // "containerEnv": { "RUST_BACKTRACE": "1" }
        }

        """
    }

    /// The `./dev` script a repository commits. `toRoot` is the project
    /// root relative to the script's own directory ("." when it sits in
    /// the root, else "../.." and so on): relative, so it holds in any
    /// clone, wherever it is.
    static func wrapper(toRoot: String) -> String {
        // Swift interpolation is \(...), the shell's is $...: the script text
        // below is the shell's own, bar the two values.
        """
        #!/bin/sh
        # Runs commands in this project's devbox environment. Commit it; then
        # anyone with devbox installed runs, from anywhere in the project:
        #   ./dev                a shell in the environment
        #   ./dev CMD [ARG...]   CMD in the environment, arguments as given
        # DEVBOX=/path/to/devbox chooses the devbox binary.
        # Written by `devbox init --wrapper`; edit it as you like.
        set -eu

        # The script's real place, through symlinks (a link in ~/bin works),
        # so the project is found wherever the script is run from.
        script=$0
        while [ -L "$script" ]; do
            link=$(readlink -- "$script")
            case $link in
                /*) script=$link ;;
                *) script=$(dirname -- "$script")/$link ;;
            esac
        done
        # CDPATH would make cd print the directory into $root.
        root=$(CDPATH='' cd -P -- "$(dirname -- "$script")/\(toRoot)" && pwd -P)

        # dash's `command -v` takes any existing path, executable or not.
        runnable() {
            case $1 in
                */*) [ -f "$1" ] && [ -x "$1" ] ;;
                *) command -v "$1" >/dev/null 2>&1 ;;
            esac
        }

        devbox=${DEVBOX:-devbox}
        if ! runnable "$devbox"; then
            if [ -n "${DEVBOX:-}" ]; then
                echo "${0##*/}: DEVBOX=$DEVBOX is not an executable; set DEVBOX to devbox's path, or unset it" >&2
            else
                echo "${0##*/}: devbox is not installed (not on PATH); see \(homepage)" >&2
                echo "${0##*/}: or build it from a checkout with \\`make install\\`, or set DEVBOX to its path" >&2
            fi
            exit 127
        fi

        if [ "$#" -eq 0 ]; then
            exec "$devbox" shell --project "$root"
        fi
        # A terminal for the command when there is one (an editor, vim, a REPL).
        tty=
        if [ -t 0 ] && [ -t 1 ]; then tty=-t; fi
        exec "$devbox" exec ${tty:+"$tty"} --project "$root" -- "$@"

        """
    }

    /// A TOML basic string: quotes, backslashes and control characters escaped.
    static func tomlString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x7f:
                out += "\\u" + hex4(scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// A JSON string, escaped as RFC 8259 requires.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                out += "\\u" + hex4(scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func hex4(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}
