#!/bin/bash

__devbox_cursor_index_in_current_word() {
    local remaining="${COMP_LINE}"

    local word
    for word in "${COMP_WORDS[@]::COMP_CWORD}"; do
        remaining="${remaining##*([[:space:]])"${word}"*([[:space:]])}"
    done

    local -ir index="$((COMP_POINT - ${#COMP_LINE} + ${#remaining}))"
    if [[ "${index}" -le 0 ]]; then
        printf 0
    else
        printf %s "${index}"
    fi
}

# positional arguments:
#
# - 1: the current (sub)command's count of positional arguments
#
# required variables:
#
# - repeating_flags: the repeating flags that the current (sub)command can accept
# - non_repeating_flags: the non-repeating flags that the current (sub)command can accept
# - repeating_options: the repeating options that the current (sub)command can accept
# - non_repeating_options: the non-repeating options that the current (sub)command can accept
# - positional_number: value ignored
# - unparsed_words: unparsed words from the current command line
#
# modified variables:
#
# - non_repeating_flags: remove flags for this (sub)command that are already on the command line
# - non_repeating_options: remove options for this (sub)command that are already on the command line
# - positional_number: set to the current positional number
# - unparsed_words: remove all flags, options, and option values for this (sub)command
__devbox_offer_flags_options() {
    local -ir positional_count="${1}"
    positional_number=0

    local was_flag_option_terminator_seen=false
    local is_parsing_option_value=false

    local -ar unparsed_word_indices=("${!unparsed_words[@]}")
    local -i word_index
    for word_index in "${unparsed_word_indices[@]}"; do
        if "${is_parsing_option_value}"; then
            # This word is an option value:
            # Reset marker for next word iff not currently the last word
            [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]] && is_parsing_option_value=false
            unset "unparsed_words[${word_index}]"
            # Do not process this word as a flag or an option
            continue
        fi

        local word="${unparsed_words["${word_index}"]}"
        if ! "${was_flag_option_terminator_seen}"; then
            case "${word}" in
            --)
                unset "unparsed_words[${word_index}]"
                # by itself -- is a flag/option terminator, but if it is the last word, it is the start of a completion
                if [[ "${word_index}" -ne "${unparsed_word_indices[${#unparsed_word_indices[@]} - 1]}" ]]; then
                    was_flag_option_terminator_seen=true
                fi
                continue
                ;;
            -*)
                # ${word} is a flag or an option
                # If ${word} is an option, mark that the next word to be parsed is an option value
                local option
                for option in "${repeating_options[@]}" "${non_repeating_options[@]}"; do
                    [[ "${word}" = "${option}" ]] && is_parsing_option_value=true && break
                done

                # Remove ${word} from ${non_repeating_flags} or ${non_repeating_options} so it isn't offered again
                local not_found=true
                local -i index
                for index in "${!non_repeating_flags[@]}"; do
                    if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                        unset "non_repeating_flags[${index}]"
                        non_repeating_flags=("${non_repeating_flags[@]}")
                        not_found=false
                        break
                    fi
                done
                if "${not_found}"; then
                    for index in "${!non_repeating_flags[@]}"; do
                        if [[ "${non_repeating_flags[${index}]}" = "${word}" ]]; then
                            unset "non_repeating_flags[${index}]"
                            non_repeating_flags=("${non_repeating_flags[@]}")
                            break
                        fi
                    done
                fi
                unset "unparsed_words[${word_index}]"
                continue
                ;;
            esac
        fi

        # ${word} is neither a flag, nor an option, nor an option value
        if [[ "${positional_number}" -lt "${positional_count}" || "${positional_count}" -lt 0 ]]; then
            # ${word} is a positional
            ((positional_number++))
            unset "unparsed_words[${word_index}]"
        else
            if [[ -z "${word}" ]]; then
                # Could be completing a flag, option, or subcommand
                positional_number=-1
            else
                # ${word} is a subcommand or invalid, so stop processing this (sub)command
                positional_number=-2
            fi
            break
        fi
    done

    unparsed_words=("${unparsed_words[@]}")

    if\
        ! "${was_flag_option_terminator_seen}"\
        && ! "${is_parsing_option_value}"\
        && [[ ("${cur}" = -* && "${positional_number}" -ge 0) || "${positional_number}" -eq -1 ]]
    then
        COMPREPLY+=($(compgen -W "${repeating_flags[*]} ${non_repeating_flags[*]} ${repeating_options[*]} ${non_repeating_options[*]}" -- "${cur}"))
    fi
}

__devbox_add_completions() {
    local completion
    while IFS='' read -r completion; do
        COMPREPLY+=("${completion}")
    done < <(IFS=$'\n' compgen "${@}" -- "${cur}")
}

__devbox_custom_complete() {
    if [[ -n "${cur}" || -z ${COMP_WORDS[${COMP_CWORD}]} || "${COMP_LINE:${COMP_POINT}:1}" != ' ' ]]; then
        local -ar words=("${COMP_WORDS[@]}")
    else
        local -ar words=("${COMP_WORDS[@]::${COMP_CWORD}}" '' "${COMP_WORDS[@]:${COMP_CWORD}}")
    fi

    "${COMP_WORDS[0]}" "${@}" "${words[@]}"
}

_devbox() {
    local state
    state="$(shopt -p;shopt -po)"
    trap "${state//$'\n'/;}" RETURN
    shopt -s extglob
    set +o history +o posix

    local -xr SAP_SHELL=bash
    local -x SAP_SHELL_VERSION
    SAP_SHELL_VERSION="$(IFS='.';printf %s "${BASH_VERSINFO[*]}")"
    local -r SAP_SHELL_VERSION

    local -r cur="${2}"
    local -r prev="${3}"

    local -i positional_number
    local -a unparsed_words=("${COMP_WORDS[@]:1:${COMP_CWORD}}")

    local -a repeating_flags=()
    local -a non_repeating_flags=(--version -h --help)
    local -a repeating_options=()
    local -a non_repeating_options=()
    __devbox_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    run|up|down|shell|init|info|create|start|stop|kill|restart|rm|ps|inspect|logs|wait|attach|events|exec|pull|push|login|import|load|save|images|image|rmi|profile|doctor|volume|system|oci|help)
        # Offer subcommand argument completions
        "_devbox_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'run up down shell init info create start stop kill restart rm ps inspect logs wait attach events exec pull push login import load save images image rmi profile doctor volume system oci help' -- "${cur}"))
        ;;
    esac
}

_devbox_run() {
    repeating_flags=()
    non_repeating_flags=(-t --tty -i --interactive --rm -d --detach --read-only --allow-project-profile --env-host --init --gui --print-spec --version -h --help)
    repeating_options=(-l --label --add-host --dns --cap-add --cap-drop --security-opt --group-add -v --volume --mount --tmpfs --device -e --env --env-file --ulimit)
    non_repeating_options=(--root --log-level --storage-driver --name --network --net --profile --project --config --preserve-fds -u --user --userns --home --shm-size -w --workdir --hostname --entrypoint --pull --stop-signal --stop-timeout)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--name')
        return
        ;;
    '-l'|'--label')
        return
        ;;
    '--network'|'--net')
        __devbox_add_completions -W 'host'$'\n''none'
        return
        ;;
    '--add-host')
        return
        ;;
    '--dns')
        return
        ;;
    '--profile')
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion run -- --profile "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    '--cap-add')
        return
        ;;
    '--cap-drop')
        return
        ;;
    '--security-opt')
        return
        ;;
    '--project')
        __devbox_add_completions -d
        return
        ;;
    '--config')
        __devbox_add_completions -f
        return
        ;;
    '--preserve-fds')
        return
        ;;
    '-u'|'--user')
        return
        ;;
    '--group-add')
        return
        ;;
    '--userns')
        return
        ;;
    '--home')
        __devbox_add_completions -W 'container'$'\n''host'
        return
        ;;
    '-v'|'--volume')
        __devbox_add_completions -f
        return
        ;;
    '--mount')
        return
        ;;
    '--tmpfs')
        return
        ;;
    '--device')
        __devbox_add_completions -f
        return
        ;;
    '--shm-size')
        return
        ;;
    '-e'|'--env')
        return
        ;;
    '--env-file')
        __devbox_add_completions -f
        return
        ;;
    '-w'|'--workdir')
        return
        ;;
    '--hostname')
        return
        ;;
    '--entrypoint')
        return
        ;;
    '--pull')
        __devbox_add_completions -W 'always'$'\n''missing'$'\n''never'$'\n''newer'
        return
        ;;
    '--ulimit')
        return
        ;;
    '--stop-signal')
        return
        ;;
    '--stop-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion run -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_up() {
    repeating_flags=()
    non_repeating_flags=(--allow-project-profile --remove-existing --remove-existing-container --gui --skip-non-blocking-commands --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --project --config --format)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--project')
        __devbox_add_completions -d
        return
        ;;
    '--config')
        __devbox_add_completions -f
        return
        ;;
    '--format')
        return
        ;;
    esac
}

_devbox_down() {
    repeating_flags=()
    non_repeating_flags=(--allow-project-profile --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --project --config -t --time)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--project')
        __devbox_add_completions -d
        return
        ;;
    '--config')
        __devbox_add_completions -f
        return
        ;;
    '-t'|'--time')
        return
        ;;
    esac
}

_devbox_shell() {
    repeating_flags=()
    non_repeating_flags=(--allow-project-profile --version -h --help)
    repeating_options=(--env -e)
    non_repeating_options=(--root --log-level --storage-driver --project --config --user -u)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--project')
        __devbox_add_completions -d
        return
        ;;
    '--config')
        __devbox_add_completions -f
        return
        ;;
    '--env'|'-e')
        return
        ;;
    '--user'|'-u')
        return
        ;;
    esac
}

_devbox_init() {
    repeating_flags=()
    non_repeating_flags=(--force --devcontainer --wrapper --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --image --project --output)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--image')
        return
        ;;
    '--project')
        __devbox_add_completions -d
        return
        ;;
    '--output')
        __devbox_add_completions -f
        return
        ;;
    esac
}

_devbox_info() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --format -f)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--format'|'-f')
        return
        ;;
    esac
}

_devbox_create() {
    repeating_flags=()
    non_repeating_flags=(-t --tty -i --interactive --rm --read-only --allow-project-profile --env-host --init --gui --version -h --help)
    repeating_options=(-l --label --add-host --dns --cap-add --cap-drop --security-opt --group-add -v --volume --mount --tmpfs --device -e --env --env-file --ulimit)
    non_repeating_options=(--root --log-level --storage-driver --name --network --net --profile --project --config -u --user --userns --home --shm-size -w --workdir --hostname --entrypoint --pull --stop-signal --stop-timeout)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--name')
        return
        ;;
    '-l'|'--label')
        return
        ;;
    '--network'|'--net')
        __devbox_add_completions -W 'host'$'\n''none'
        return
        ;;
    '--add-host')
        return
        ;;
    '--dns')
        return
        ;;
    '--profile')
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion create -- --profile "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    '--cap-add')
        return
        ;;
    '--cap-drop')
        return
        ;;
    '--security-opt')
        return
        ;;
    '--project')
        __devbox_add_completions -d
        return
        ;;
    '--config')
        __devbox_add_completions -f
        return
        ;;
    '-u'|'--user')
        return
        ;;
    '--group-add')
        return
        ;;
    '--userns')
        return
        ;;
    '--home')
        __devbox_add_completions -W 'container'$'\n''host'
        return
        ;;
    '-v'|'--volume')
        __devbox_add_completions -f
        return
        ;;
    '--mount')
        return
        ;;
    '--tmpfs')
        return
        ;;
    '--device')
        __devbox_add_completions -f
        return
        ;;
    '--shm-size')
        return
        ;;
    '-e'|'--env')
        return
        ;;
    '--env-file')
        __devbox_add_completions -f
        return
        ;;
    '-w'|'--workdir')
        return
        ;;
    '--hostname')
        return
        ;;
    '--entrypoint')
        return
        ;;
    '--pull')
        __devbox_add_completions -W 'always'$'\n''missing'$'\n''never'$'\n''newer'
        return
        ;;
    '--ulimit')
        return
        ;;
    '--stop-signal')
        return
        ;;
    '--stop-timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion create -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_start() {
    repeating_flags=()
    non_repeating_flags=(--attach -a --interactive -i --latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion start -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_stop() {
    repeating_flags=()
    non_repeating_flags=(--latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver -t --time --timeout)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '-t'|'--time'|'--timeout')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion stop -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_kill() {
    repeating_flags=()
    non_repeating_flags=(--latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --signal -s)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--signal'|'-s')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion kill -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_restart() {
    repeating_flags=()
    non_repeating_flags=(--latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver -t --time)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '-t'|'--time')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion restart -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_rm() {
    repeating_flags=()
    non_repeating_flags=(--force -f -a --all --volumes -v --latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion rm -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_ps() {
    repeating_flags=()
    non_repeating_flags=(--all -a --quiet -q --latest -l --no-trunc --version -h --help)
    repeating_options=(--filter -f)
    non_repeating_options=(--root --log-level --storage-driver --format)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--filter'|'-f')
        return
        ;;
    '--format')
        return
        ;;
    esac
}

_devbox_inspect() {
    repeating_flags=()
    non_repeating_flags=(--latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --type --format -f)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--type')
        return
        ;;
    '--format'|'-f')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion inspect -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_logs() {
    repeating_flags=()
    non_repeating_flags=(--follow -f --latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --tail)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--tail')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion logs -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_wait() {
    repeating_flags=()
    non_repeating_flags=(--latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion wait -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_attach() {
    repeating_flags=()
    non_repeating_flags=(--no-stdin --latest -l --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --detach-keys)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--detach-keys')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion attach -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_events() {
    repeating_flags=()
    non_repeating_flags=(--stream --no-stream --version -h --help)
    repeating_options=(--filter -f)
    non_repeating_options=(--root --log-level --storage-driver --format --since --until)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--filter'|'-f')
        return
        ;;
    '--format')
        __devbox_add_completions -W 'table'$'\n''json'
        return
        ;;
    '--since')
        return
        ;;
    '--until')
        return
        ;;
    esac
}

_devbox_exec() {
    repeating_flags=()
    non_repeating_flags=(-t --tty -i --interactive -d --detach --allow-project-profile --privileged --latest -l --version -h --help)
    repeating_options=(-e --env --env-file)
    non_repeating_options=(--root --log-level --storage-driver --project --config --preserve-fds -u --user -w --workdir)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--project')
        __devbox_add_completions -d
        return
        ;;
    '--config')
        __devbox_add_completions -f
        return
        ;;
    '--preserve-fds')
        return
        ;;
    '-u'|'--user')
        return
        ;;
    '-e'|'--env')
        return
        ;;
    '--env-file')
        __devbox_add_completions -f
        return
        ;;
    '-w'|'--workdir')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion exec -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_pull() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --tls-verify)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--tls-verify')
        return
        ;;
    esac
}

_devbox_push() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --tls-verify)
    __devbox_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--tls-verify')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion push -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_login() {
    repeating_flags=()
    non_repeating_flags=(--password-stdin --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --username -u --password -p --tls-verify)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--username'|'-u')
        return
        ;;
    '--password'|'-p')
        return
        ;;
    '--tls-verify')
        return
        ;;
    esac
}

_devbox_import() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -f
        return
        ;;
    esac
}

_devbox_load() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --input -i)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--input'|'-i')
        __devbox_add_completions -f
        return
        ;;
    esac
}

_devbox_save() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --output -o)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--output'|'-o')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion save -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_images() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --format)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--format')
        __devbox_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_devbox_image() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    inspect|prune|rmi)
        # Offer subcommand argument completions
        "_devbox_image_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'inspect prune rmi' -- "${cur}"))
        ;;
    esac
}

_devbox_image_inspect() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion image inspect -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_image_prune() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac
}

_devbox_image_rmi() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion image rmi -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_rmi() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion rmi -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_profile() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    list|show|check)
        # Offer subcommand argument completions
        "_devbox_profile_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'list show check' -- "${cur}"))
        ;;
    esac
}

_devbox_profile_list() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 0
}

_devbox_profile_show() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 1

    # Offer positional completions
    case "${positional_number}" in
    1)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion profile show -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_profile_check() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 1
}

_devbox_doctor() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac
}

_devbox_volume() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|ls|inspect|rm|prune)
        # Offer subcommand argument completions
        "_devbox_volume_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create ls inspect rm prune' -- "${cur}"))
        ;;
    esac
}

_devbox_volume_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=(--label)
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--label')
        return
        ;;
    esac
}

_devbox_volume_ls() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --format)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--format')
        __devbox_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_devbox_volume_inspect() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion volume inspect -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_volume_rm() {
    repeating_flags=()
    non_repeating_flags=(--force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac

    # Offer positional completions
    case "${positional_number}" in
    *)
        __devbox_add_completions -W "$(__devbox_custom_complete ---completion volume rm -- positional@0 "${COMP_CWORD}" "$(__devbox_cursor_index_in_current_word)")"
        return
        ;;
    esac
}

_devbox_volume_prune() {
    repeating_flags=()
    non_repeating_flags=(--force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac
}

_devbox_system() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    df|prune)
        # Offer subcommand argument completions
        "_devbox_system_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'df prune' -- "${cur}"))
        ;;
    esac
}

_devbox_system_df() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver --format)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    '--format')
        __devbox_add_completions -W 'table'$'\n''json'
        return
        ;;
    esac
}

_devbox_system_prune() {
    repeating_flags=()
    non_repeating_flags=(--all -a --force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --storage-driver)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--storage-driver')
        return
        ;;
    esac
}

_devbox_oci() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 0

    # Offer subcommand / subcommand argument completions
    local -r subcommand="${unparsed_words[0]}"
    unset 'unparsed_words[0]'
    unparsed_words=("${unparsed_words[@]}")
    case "${subcommand}" in
    create|start|state|kill|delete|run|exec|list|spec|features)
        # Offer subcommand argument completions
        "_devbox_oci_${subcommand}"
        ;;
    *)
        # Offer subcommand completions
        COMPREPLY+=($(compgen -W 'create start state kill delete run exec list spec features' -- "${cur}"))
        ;;
    esac
}

_devbox_oci_create() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level -b --bundle --pid-file --console-socket)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '-b'|'--bundle')
        return
        ;;
    '--pid-file')
        return
        ;;
    '--console-socket')
        return
        ;;
    esac
}

_devbox_oci_start() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    esac
}

_devbox_oci_state() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    esac
}

_devbox_oci_kill() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level)
    __devbox_offer_flags_options 2

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    esac
}

_devbox_oci_delete() {
    repeating_flags=()
    non_repeating_flags=(--force -f --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    esac
}

_devbox_oci_run() {
    repeating_flags=()
    non_repeating_flags=(--detach -d --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level -b --bundle --pid-file --console-socket)
    __devbox_offer_flags_options 1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '-b'|'--bundle')
        return
        ;;
    '--pid-file')
        return
        ;;
    '--console-socket')
        return
        ;;
    esac
}

_devbox_oci_exec() {
    repeating_flags=()
    non_repeating_flags=(--tty -t --detach -d --version -h --help)
    repeating_options=(--env -e)
    non_repeating_options=(--root --log-level --cwd --user -u)
    __devbox_offer_flags_options -1

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--cwd')
        return
        ;;
    '--env'|'-e')
        return
        ;;
    '--user'|'-u')
        return
        ;;
    esac
}

_devbox_oci_list() {
    repeating_flags=()
    non_repeating_flags=(--quiet -q --version -h --help)
    repeating_options=()
    non_repeating_options=(--root --log-level --format -f)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '--root')
        return
        ;;
    '--log-level')
        __devbox_add_completions -W 'error'$'\n''warn'$'\n''info'$'\n''debug'
        return
        ;;
    '--format'|'-f')
        return
        ;;
    esac
}

_devbox_oci_spec() {
    repeating_flags=()
    non_repeating_flags=(--rootless --version -h --help)
    repeating_options=()
    non_repeating_options=(-b --bundle)
    __devbox_offer_flags_options 0

    # Offer option value completions
    case "${prev}" in
    '-b'|'--bundle')
        return
        ;;
    esac
}

_devbox_oci_features() {
    repeating_flags=()
    non_repeating_flags=(--version -h --help)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options 0
}

_devbox_help() {
    repeating_flags=()
    non_repeating_flags=(--version)
    repeating_options=()
    non_repeating_options=()
    __devbox_offer_flags_options -1
}

complete -o filenames -F _devbox devbox
