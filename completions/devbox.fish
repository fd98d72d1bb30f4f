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
            __devbox_parse_subcommand -r 2 'root=' 'log-level=' 't/tty' 'i/interactive' 'rm' 'network=' 'profile=' 'cap-add=+' 'cap-drop=+' 'read-only' 'security-opt=+' 'project=' 'allow-project-profile' 'preserve-fds=' 'userns=' 'home=' 'v/volume=+' 'e/env=+' 'env-file=+' 'w/workdir=' 'hostname=' 'd/detach' 'name=' 'l/label=+' 'print-spec' 'version' 'h/help'
        case 'create'
            __devbox_parse_subcommand -r 1 'version' 'h/help'
        case 'start'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'a/attach' 'i/interactive' 'l/latest' 'version' 'h/help'
        case 'stop'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 't/time=' 'l/latest' 'version' 'h/help'
        case 'kill'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 's/signal=' 'l/latest' 'version' 'h/help'
        case 'restart'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 't/time=' 'l/latest' 'version' 'h/help'
        case 'rm'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'f/force' 'all' 'l/latest' 'version' 'h/help'
        case 'ps'
            __devbox_parse_subcommand 0 'root=' 'log-level=' 'a/all' 'q/quiet' 'l/latest' 'no-trunc' 'f/filter=+' 'format=' 'version' 'h/help'
        case 'inspect'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'type=' 'f/format=' 'l/latest' 'version' 'h/help'
        case 'logs'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'f/follow' 'tail=' 'l/latest' 'version' 'h/help'
        case 'wait'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'l/latest' 'version' 'h/help'
        case 'attach'
            __devbox_parse_subcommand -r 1 'root=' 'log-level=' 'l/latest' 'version' 'h/help'
        case 'events'
            __devbox_parse_subcommand 0 'root=' 'log-level=' 'f/filter=+' 'format=' 'stream' 'no-stream' 'since=' 'until=' 'version' 'h/help'
        case 'exec'
            __devbox_parse_subcommand -r 2 'root=' 'log-level=' 'i/interactive' 't/tty' 'd/detach' 'e/env=+' 'env-file=+' 'w/workdir=' 'u/user=' 'privileged' 'l/latest' 'preserve-fds=' 'version' 'h/help'
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
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'create' -d 'Create a named container without starting it (takes `run`\'s flags).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'start' -d 'Start stopped or created containers.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'stop' -d 'Stop containers: the stop signal, then SIGKILL after a timeout.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'kill' -d 'Send a signal to containers\' main process.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'restart' -d 'Stop containers, then start them again.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'rm' -d 'Remove containers (their writable layer and log; named volumes stay).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'ps' -d 'List containers (running ones; --all for every one).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'inspect' -d 'Show containers\' configuration and state as JSON.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'logs' -d 'Print a detached container\'s output.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'wait' -d 'Wait for containers to exit; print their exit codes.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'attach' -d 'Follow a running container\'s output until it exits; SIGINT and SIGTERM are passed to it.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'events' -d 'Show container events (create, start, die, stop, kill, restart, destroy).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'exec' -d 'Run a command in a running container.'
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
complete -c 'devbox' -n '__devbox_should_offer_completions_for_positional "devbox" -eq 1' -fa 'help' -d 'Show subcommand help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" t tty' -l 'tty' -s 't' -d 'Allocate a pseudo-terminal.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" i interactive' -l 'interactive' -s 'i' -d 'Keep stdin attached (stdin is always passed through; accepted for docker compatibility).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" rm' -l 'rm' -d 'Use a throwaway writable layer: nothing the command changes outside the project is kept.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" network' -l 'network' -d 'Network: host (share the host\'s) or none (only loopback); default: the profile\'s.' -rfka 'host none'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" profile' -l 'profile' -d 'Security profile: a name (`devbox profile list`) or a file.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'cap-add' -d 'Add a capability to the profile\'s.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'cap-drop' -d 'Drop a capability from the profile\'s (ALL for every one).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" read-only' -l 'read-only' -d 'Make everything but the project, writable volumes, /tmp and /dev read-only.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'security-opt' -d 'seccomp=unconfined, seccomp=FILE or no-new-privileges (forces no_new_privs on), as podman spells them.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" project' -l 'project' -d 'The project directory, instead of the one found from the current directory (needed for your home directory).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" allow-project-profile' -l 'allow-project-profile' -d 'Accept a project profile (.devbox/profiles) that is weaker than the profile it extends.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" preserve-fds' -l 'preserve-fds' -d 'Pass fds 3 to 3+N-1 into the command (others are closed).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" userns' -l 'userns' -d 'User namespace mode: keep-id keeps your uid/gid inside (default: you are root inside).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" home' -l 'home' -d 'Home directory: container (the project\'s own, persisted) or host (your real one).' -rfka 'container host'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'volume' -s 'v' -d 'Bind mount SRC:DST[:ro].' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'env' -s 'e' -d 'Set KEY=VAL, or pass KEY from the host.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'env-file' -d 'Read KEY=VAL lines from a file.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" w workdir' -l 'workdir' -s 'w' -d 'Working directory inside (default: the current one).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" hostname' -l 'hostname' -d 'Hostname inside the container.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" d detach' -l 'detach' -s 'd' -d 'Run in the background as a named container; print its id.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" name' -l 'name' -d 'Name of the container (default: a generated one, with -d).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run"' -l 'label' -s 'l' -d 'Set a label on the container.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" print-spec' -l 'print-spec' -d 'Print the OCI runtime spec (config.json) instead of running it.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox run" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox create" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox create" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox start" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox start" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox start" a attach' -l 'attach' -s 'a' -d 'Attach: stay in the foreground with the container\'s output (one container).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox start" i interactive' -l 'interactive' -s 'i' -d 'With --attach, pass stdin to the container.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox start" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox start" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox start" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox stop" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox stop" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox stop" t time timeout' -s 't' -l 'time' -l 'timeout' -d 'Seconds to wait before SIGKILL (default: the container\'s --stop-timeout, 10).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox stop" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox stop" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox stop" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox kill" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox kill" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox kill" s signal' -l 'signal' -s 's' -d 'Signal name or number (default KILL).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox kill" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox kill" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox kill" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox restart" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox restart" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox restart" t time' -s 't' -l 'time' -d 'Seconds to wait before SIGKILL.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox restart" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox restart" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox restart" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rm" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rm" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rm" f force' -l 'force' -s 'f' -d 'Stop running containers first (SIGKILL).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rm" all' -l 'all' -d 'Remove every container.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rm" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rm" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox rm" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" a all' -l 'all' -s 'a' -d 'Every container, not only running ones.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" q quiet' -l 'quiet' -s 'q' -d 'Print ids only.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" l latest' -l 'latest' -s 'l' -d 'Only the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" no-trunc' -l 'no-trunc' -d 'Full ids.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps"' -l 'filter' -s 'f' -d 'label=KEY[=VALUE], name=NAME, id=PREFIX, status=STATE.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" format' -l 'format' -d 'Output format: table or json.' -rfka 'table json'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox ps" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox inspect" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox inspect" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox inspect" type' -l 'type' -d 'Only `container` is known here.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox inspect" f format' -l 'format' -s 'f' -d 'json (the default).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox inspect" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox inspect" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox inspect" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox logs" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox logs" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox logs" f follow' -l 'follow' -s 'f' -d 'Keep printing new output until the container exits.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox logs" tail' -l 'tail' -d 'Only the last N lines.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox logs" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox logs" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox logs" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox wait" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox wait" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox wait" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox wait" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox wait" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox attach" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox attach" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox attach" l latest' -l 'latest' -s 'l' -d 'Act on the container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox attach" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox attach" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events"' -l 'filter' -s 'f' -d 'container=NAME|ID, event=NAME, label=KEY[=VALUE], image=REF, type=container.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" format' -l 'format' -d 'Output format: table (one line per event) or json (JSON lines).' -rfka 'table json'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" stream' -l 'stream' -d 'Keep printing new events (the default), or stop after the past ones.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" no-stream' -l 'no-stream' -d 'Keep printing new events (the default), or stop after the past ones.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" since' -l 'since' -d 'Only events after this time (RFC 3339, seconds since the epoch, or 10m/2h ago).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" until' -l 'until' -d 'Only events before this time; stops streaming then.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox events" h help' -s 'h' -l 'help' -d 'Show help information.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" root' -l 'root' -d 'Storage directory (default: $XDG_DATA_HOME/devbox).' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" log-level' -l 'log-level' -d 'Log level: error, warn, info or debug.' -rfka 'error warn info debug'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" i interactive' -l 'interactive' -s 'i' -d 'Keep stdin open (it always is; accepted for podman compatibility).'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" t tty' -l 'tty' -s 't' -d 'Allocate a pseudo-terminal.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" d detach' -l 'detach' -s 'd' -d 'Run in the background; print the container\'s id.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec"' -l 'env' -s 'e' -d 'Set KEY=VAL, or pass KEY from the host.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec"' -l 'env-file' -d 'Read KEY=VAL lines from a file.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" w workdir' -l 'workdir' -s 'w' -d 'Working directory inside.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" u user' -l 'user' -s 'u' -d 'User (name or uid) and optional group inside.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" privileged' -l 'privileged' -d 'Refused: an exec is never stronger than its container.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" l latest' -l 'latest' -s 'l' -d 'The container created last.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" preserve-fds' -l 'preserve-fds' -d 'Pass fds 3 to 3+N-1 into the command.' -rfka ''
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" version' -l 'version' -d 'Show the version.'
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox exec" h help' -s 'h' -l 'help' -d 'Show help information.'
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
complete -c 'devbox' -n '__devbox_should_offer_completions_for_flags_or_options "devbox help" version' -l 'version' -d 'Show the version.'
