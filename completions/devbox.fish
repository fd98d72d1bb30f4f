function __devbox_should_offer_completions_for_flags_or_options -a expected_commands
    set -l non_repeating_flags_or_options $argv[2..]
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __devbox_parse_tokens
    test "$commands" = "$expected_commands"; and return $non_repeating_flags_or_options_absent
end

function __devbox_should_offer_completions_for_positional -a expected_commands positional_index_comparison expected_positional_index
    set -l non_repeating_flags_or_options
    set -l non_repeating_flags_or_options_absent 0
    set -l positional_index 0
    set -l commands
    __devbox_parse_tokens
    test "$commands" = "$expected_commands" -a \( "$positional_index" "$positional_index_comparison" "$expected_positional_index" \)
end

function __devbox_parse_tokens -S
    set -l unparsed_tokens (__devbox_tokens -pc)
    switch $unparsed_tokens[1]
    case 'devbox'
        __devbox_parse_subcommand 0 'version' 'h/help'
        switch $unparsed_tokens[1]
        case 'run'
            __devbox_parse_subcommand -r 2 'root=' 'log-level=' 't/tty' 'i/interactive' 'rm' 'd/detach' 'name=' 'label=+' 'network=' 'add-host=+' 'dns=+' 'profile=' 'cap-add=+' 'cap-drop=+' 'read-only' 'security-opt=+' 'project=' 'allow-project-profile' 'preserve-fds=' 'u/user=' 'group-add=+' 'userns=' 'home=' 'v/volume=+' 'mount=+' 'tmpfs=+' 'device=+' 'shm-size=' 'e/env=+' 'env-file=+' 'env-host' 'w/workdir=' 'hostname=' 'entrypoint=' 'pull=' 'ulimit=+' 'stop-signal=' 'stop-timeout=' 'init' 'print-spec' 'version' 'h/help'
        case 'pull'
            __devbox_parse_subcommand 1 'root=' 'log-level=' 'q/quiet' 'tls-verify=' 'version' 'h/help'
        case 'push'
            __devbox_parse_subcommand 2 'root=' 'log-level=' 'q/quiet' 'tls-verify=' 'version' 'h/help'
        case 'login'
            __devbox_parse_subcommand 1 'root=' 'log-level=' 'u/username=' 'p/password=' 'password-stdin' 'tls-verify=' 'version' 'h/help'
        case 'import'
            __devbox_parse_subcommand 2 'root=' 'log-level=' 'version' 'h/help'
        case 'load'
            __devbox_parse_subcommand 1 'root=' 'log-level=' 'i/input=' 'version' 'h/help'
        case 'save'
            __devbox_parse_subcommand 1 'root=' 'log-level=' 'o/output=' 'version' 'h/help'
        case 'images'
            __devbox_parse_subcommand 0 'root=' 'log-level=' 'format=' 'version' 'h/help'
        case 'image'
            __devbox_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'inspect'
                __devbox_parse_subcommand 1 'root=' 'log-level=' 'version' 'h/help'
            case 'prune'
                __devbox_parse_subcommand 0 'root=' 'log-level=' 'version' 'h/help'
            case 'rmi'
                __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'version' 'h/help'
            end
        case 'rmi'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'version' 'h/help'
        case 'profile'
            __devbox_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'list'
                __devbox_parse_subcommand 0 'version' 'h/help'
            case 'show'
                __devbox_parse_subcommand 1 'version' 'h/help'
            case 'check'
                __devbox_parse_subcommand 1 'version' 'h/help'
            end
        case 'doctor'
            __devbox_parse_subcommand 0 'root=' 'log-level=' 'version' 'h/help'
        case 'volume'
            __devbox_parse_subcommand 0 'version' 'h/help'
            switch $unparsed_tokens[1]
            case 'create'
                __devbox_parse_subcommand 1 'root=' 'log-level=' 'label=+' 'version' 'h/help'
            case 'ls'
                __devbox_parse_subcommand 0 'root=' 'log-level=' 'format=' 'q/quiet' 'version' 'h/help'
            case 'inspect'
                __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'version' 'h/help'
            case 'rm'
                __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'f/force' 'version' 'h/help'
            case 'prune'
                __devbox_parse_subcommand 0 'root=' 'log-level=' 'f/force' 'version' 'h/help'
            end
        case 'help'
            __devbox_parse_subcommand -r 1 'version'
        end
    end
end

function __devbox_tokens
    if test (string split -m 1 -f 1 -- . "$FISH_VERSION") -gt 3
        commandline --tokens-raw $argv
    else
        commandline -o $argv
    end
end

function __devbox_parse_subcommand -S -a positional_count
    argparse -s r -- $argv
    set -l option_specs $argv[2..]
    set -l is_repeating_positional $_flag_r
    set -el _flag_r
    set -a commands $unparsed_tokens[1]
    set positional_index 0
    while true
        set -e unparsed_tokens[1]
        argparse -sn "$commands" $option_specs -- $unparsed_tokens 2> /dev/null
        set unparsed_tokens $argv
        set positional_index (math $positional_index + 1)
        for non_repeating_flag_or_option in $non_repeating_flags_or_options
            if set -ql "_flag_$(string replace -a - _ -- $non_repeating_flag_or_option)"
                set non_repeating_flags_or_options_absent 1
                break
            end
        end
        test (count $unparsed_tokens) -eq 0 -o \( -z "$is_repeating_positional" -a "$positional_index" -gt "$positional_count" \) && break
    end
end

function __devbox_complete_directories
    set -l token (commandline -t)
    string match -- '*/' $token
    set -l subdirs $token*/
    printf %s\n $subdirs
end

function __devbox_custom_completion
    set -x SAP_SHELL fish
    set -x SAP_SHELL_VERSION $FISH_VERSION
    set -l tokens (__devbox_tokens -p)
    if test -z "$(__devbox_tokens -t)"
        set -l index (count (__devbox_tokens -pc))
        set tokens $tokens[..$index] \'\' $tokens[(math $index + 1)..]
    end
    command $tokens[1] $argv $tokens
end

complete -c 'devbox' -f
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'run' -d 'Run a command in the project\'s sandbox.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'pull' -d 'Pull an image from a registry.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'push' -d 'Push an image to a registry.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'login' -d 'Store credentials for a registry (podman\'s auth.json).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'import' -d 'Create a one-layer image from a root filesystem tarball (.tar, .tar.gz, .tar.zst).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'load' -d 'Load images from an OCI image layout (directory or tar) or a docker save archive.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'save' -d 'Write an image to a tar file as an OCI image layout.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'images' -d 'List images in the store.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'image' -d 'Inspect and manage images.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'rmi' -d 'Remove image references (content goes with `devbox image prune`).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'profile' -d 'List, show and check security profiles.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'doctor' -d 'Check that this machine can run devbox sandboxes.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'volume' -d 'Create, list, inspect and remove named volumes.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" t tty' -s 't' -l 'tty' -d 'Allocate a pseudo-terminal.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" i interactive' -s 'i' -l 'interactive' -d 'Keep stdin attached (stdin is always passed through; accepted for docker compatibility).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" rm' -l 'rm' -d 'Use a throwaway writable layer: nothing the command changes outside the project is kept.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" d detach' -s 'd' -l 'detach' -d 'Run in the background and print the container\'s name.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" name' -l 'name' -d 'The container\'s name.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'label' -d 'Attach a label to the container.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" net network' -l 'network' -l 'net' -d 'Network: host (share the host\'s) or none (only loopback); default: the profile\'s.' -rfka 'host none'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'add-host' -d 'Add a line to the container\'s /etc/hosts.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'dns' -d 'Use this name server (a generated /etc/resolv.conf instead of the host\'s).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" profile' -l 'profile' -d 'Security profile: a name (`devbox profile list`) or a file.' -rF
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'cap-add' -d 'Add a capability to the profile\'s.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'cap-drop' -d 'Drop a capability from the profile\'s (ALL for every one).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" read-only' -l 'read-only' -d 'Make everything but the project, writable volumes, /tmp and /dev read-only.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'security-opt' -d 'seccomp=unconfined, seccomp=FILE or no-new-privileges (forces no_new_privs on), as podman spells them.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" project' -l 'project' -d 'The project directory, instead of the one found from the current directory (needed for your home directory).' -rfa '(__devbox_complete_directories)'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" allow-project-profile' -l 'allow-project-profile' -d 'Accept a project profile (.devbox/profiles) that is weaker than the profile it extends.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" preserve-fds' -l 'preserve-fds' -d 'Pass fds 3 to 3+N-1 into the command (others are closed).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" u user' -s 'u' -l 'user' -d 'Run as this user (a name or uid; a name is looked up in the image\'s /etc/passwd).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'group-add' -d 'Add a supplementary group (a name or gid).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" userns' -l 'userns' -d 'User namespace mode: keep-id keeps your uid/gid inside, keep-id:uid=U,gid=G maps you onto U/G (default: you are root inside).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" home' -l 'home' -d 'Home directory: container (the project\'s own, persisted) or host (your real one).' -rfka 'container host'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -s 'v' -l 'volume' -d 'Bind mount SRC:DST[:ro]; a SRC without a slash is a named volume, /DST alone an anonymous one.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'mount' -d 'Mount a bind, volume or tmpfs, as podman spells it (source/src, destination/dst/target, readonly/ro, tmpfs-size).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'tmpfs' -d 'Mount a tmpfs on PATH (options such as size=64m,noexec).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'device' -d 'Bind a device node (rootless: only one you can open).' -rF
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" shm-size' -l 'shm-size' -d 'Size of /dev/shm (e.g. 64m, 1g; default 64m).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -s 'e' -l 'env' -d 'Set KEY=VAL, or pass KEY from the host.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'env-file' -d 'Read KEY=VAL lines from a file.' -rF
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" env-host' -l 'env-host' -d 'Pass the host\'s whole environment.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" w workdir' -s 'w' -l 'workdir' -d 'Working directory inside (default: the current one).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" hostname' -l 'hostname' -d 'Hostname inside the container.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" entrypoint' -l 'entrypoint' -d 'Replace the image\'s Entrypoint ("" clears it).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" pull' -l 'pull' -d 'Pull the image: always, missing (default), never or newer.' -rfka 'always missing never newer'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'ulimit' -d 'Set a resource limit (nofile=1024:2048, core=0).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" stop-signal' -l 'stop-signal' -d 'Signal that stops the container (default SIGTERM).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" stop-timeout' -l 'stop-timeout' -d 'Seconds to wait after the stop signal before SIGKILL.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" init' -l 'init' -d 'Accepted for podman compatibility: devbox\'s own init is always PID 1.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" print-spec' -l 'print-spec' -d 'Print the OCI runtime spec (config.json) instead of running it.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox pull" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox pull" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox pull" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox pull" tls-verify' -l 'tls-verify' -d 'Verify TLS (false also allows plain HTTP).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox pull" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox pull" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox push" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox push" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox push" q quiet' -l 'quiet' -s 'q' -d 'Print nothing but errors.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox push" tls-verify' -l 'tls-verify' -d 'Verify TLS (false also allows plain HTTP).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox push" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox push" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" u username' -l 'username' -s 'u' -d 'User name.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" p password' -l 'password' -s 'p' -d 'Password (prefer --password-stdin).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" password-stdin' -l 'password-stdin' -d 'Read the password from stdin.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" tls-verify' -l 'tls-verify' -d 'Verify TLS (false also allows plain HTTP).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox login" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox import" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox import" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox import" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox import" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox load" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox load" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox load" i input' -l 'input' -s 'i' -d 'The archive or layout directory, or - for a tar on standard input.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox load" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox load" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox save" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox save" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox save" o output' -l 'output' -s 'o' -d 'The tar file to write.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox save" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox save" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox images" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox images" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox images" format' -l 'format' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox images" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox images" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox image" -eq 1' -fa 'inspect' -d 'Show an image\'s digest, layers, config and size as JSON.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox image" -eq 1' -fa 'prune' -d 'Remove blobs and layers no image or environment uses.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox image" -eq 1' -fa 'rmi' -d 'Remove image references (content goes with `devbox image prune`).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image inspect" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image inspect" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image inspect" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image prune" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image prune" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image prune" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image rmi" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image rmi" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image rmi" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox image rmi" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rmi" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rmi" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rmi" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rmi" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox profile" -eq 1' -fa 'list' -d 'Profiles by name, with where each comes from and what it is for.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox profile" -eq 1' -fa 'show' -d 'The resolved profile, with extends applied.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox profile" -eq 1' -fa 'check' -d 'Validate a profile file; errors name the file, line and key.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile list" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile list" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile show" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile show" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile check" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox profile check" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox doctor" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox doctor" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox doctor" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox doctor" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox volume" -eq 1' -fa 'create' -d 'Create a volume (a random name if none is given).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox volume" -eq 1' -fa 'ls' -d 'List volumes.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox volume" -eq 1' -fa 'inspect' -d 'Show volumes as JSON.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox volume" -eq 1' -fa 'rm' -d 'Remove volumes.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox volume" -eq 1' -fa 'prune' -d 'Remove every volume no running container uses.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume create" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume create" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume create"' -l 'label' -d 'Attach a label.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume create" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume ls" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume ls" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume ls" format' -l 'format' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume ls" q quiet' -l 'quiet' -s 'q' -d 'Print only the names.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume ls" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume ls" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume inspect" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume inspect" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume inspect" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume rm" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume rm" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume rm" f force' -l 'force' -s 'f' -d 'Accepted for podman compatibility (a volume in use is still refused).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume rm" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume prune" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume prune" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume prune" f force' -l 'force' -s 'f' -d 'Accepted for podman compatibility (prune does not ask).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume prune" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox volume prune" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox help" version' -l 'version' -d 'Show the version.'
