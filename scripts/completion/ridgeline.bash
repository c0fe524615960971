# ridgeline.bash -- bash completion for ridgeline.
#
# Installed by `make install` into share/bash-completion/completions/, where
# bash-completion loads it on demand; or source it from ~/.bashrc.
# Subcommands come from `ridgeline --help`, each command's flags from
# `ridgeline CMD --help`, and ids after --model/--hardware/--runtime/
# --quant/--kv-dtype from `ridgeline catalog KIND --json`, so the
# completion never goes stale against the binary it completes for.

_ridgeline_ids()
{
    # "id": "x" lines of the catalog's JSON (printed one key per line)
    "$1" catalog "$2" --json 2>/dev/null |
        sed -n 's/^[[:space:]]*"id":[[:space:]]*"\([^"]*\)".*/\1/p'
}

_ridgeline()
{
    local cur prev bin cmd words
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    bin=${COMP_WORDS[0]}
    cmd=${COMP_WORDS[1]}
    COMPREPLY=()

    if [ "$COMP_CWORD" -eq 1 ]; then
        words=$("$bin" --help 2>/dev/null | sed -n 's/^  \([a-z][a-z-]*\) .*/\1/p')
        COMPREPLY=($(compgen -W "$words --help --version" -- "$cur"))
        return 0
    fi
    case $prev in
        --model) COMPREPLY=($(compgen -W "$(_ridgeline_ids "$bin" models)" -- "$cur")); return 0 ;;
        --hardware) COMPREPLY=($(compgen -W "$(_ridgeline_ids "$bin" hardware)" -- "$cur")); return 0 ;;
        --runtime) COMPREPLY=($(compgen -W "$(_ridgeline_ids "$bin" runtimes)" -- "$cur")); return 0 ;;
        --quant|--kv-dtype|--kv-cache-dtype)
            COMPREPLY=($(compgen -W "$(_ridgeline_ids "$bin" quant)" -- "$cur")); return 0 ;;
        --model-file|--hardware-file|--calibration|--out|--data|--catalog|--runs|--report)
            COMPREPLY=($(compgen -f -- "$cur")); return 0 ;;
    esac
    if [ "$cmd" = catalog ] && [ "$COMP_CWORD" -eq 2 ]; then
        COMPREPLY=($(compgen -W "models hardware runtimes quant" -- "$cur"))
        return 0
    fi
    if [[ $cur == -* ]]; then
        words=$("$bin" "$cmd" --help 2>/dev/null | grep -o -- '--[a-z][a-z0-9-]*' | sort -u)
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        return 0
    fi
    COMPREPLY=($(compgen -f -- "$cur"))    # scenario files, config.json, ...
}
complete -F _ridgeline ridgeline
