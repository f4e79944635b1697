#!/bin/bash
# The container image's HEALTHCHECK: GET /healthz on the HTTP port of the role the container runs,
# read from the command line of its main process. Needs only bash (its /dev/tcp) and coreutils.
#
#   run, display  the server of the configuration (--config or VIGIL_CONFIG, as `vigil config
#             check` prints it, VIGIL_SERVER_* included; without a file VIGIL_SERVER_PORT, else
#             8080); healthy without a request when server.enabled is false
#   serve     --port, else IMAGE_CLASSIFIER_PORT, else 8080
#   capture and the rest serve no HTTP by default: healthy while the process runs (Docker
#             restarts it when it exits). Set VIGIL_HEALTHCHECK_PORT=5012 for capture with SHOW_VIDEO.
#
# VIGIL_HEALTHCHECK_PORT=N checks port N whatever the role; =off disables the check.
# VIGIL_HEALTHCHECK_PROC names the main process (default /proc/1; the tests point it elsewhere).
set -uo pipefail

proc=${VIGIL_HEALTHCHECK_PROC:-/proc/1}
mapfile -d '' -t argv < "$proc/cmdline" || { echo "unhealthy: cannot read $proc/cmdline"; exit 1; }
program=${argv[0]}
args=("${argv[@]:1}")

# The value of option $1 in the main process's arguments (--opt value or --opt=value).
option() {
    local i
    for ((i = 0; i < ${#args[@]}; i++)); do
        case "${args[i]}" in
            "$1") echo "${args[i + 1]:-}"; return ;;
            "$1"=*) echo "${args[i]#*=}"; return ;;
        esac
    done
}

role=""
for arg in "${args[@]}"; do
    case "$arg" in -*) ;; *) role=$arg; break ;; esac
done

port=${VIGIL_HEALTHCHECK_PORT:-}
host=127.0.0.1
if [ -z "$port" ]; then
    case "$role" in
        serve)
            port=$(option --port)
            port=${port:-${IMAGE_CLASSIFIER_PORT:-8080}}
            host=$(option --host) ;;
        run|display)
            config=$(option --config)
            config=${config:-${VIGIL_CONFIG:-}}
            if [ -n "$config" ]; then
                server=$("$program" config check "$config" 2>&1 | grep '^server: ') \
                    || { echo "unhealthy: vigil config check $config failed"; exit 1; }
                case "$server" in
                    "server: off") port=off ;;
                    *) host=$(echo "$server" | sed -n 's|^server: http://\(.*\):[0-9]* .*|\1|p')
                       port=$(echo "$server" | sed -n 's|^server: http://.*:\([0-9][0-9]*\) .*|\1|p') ;;
                esac
            elif [ "${VIGIL_SERVER_ENABLED:-true}" = false ]; then
                port=off
            else
                port=${VIGIL_SERVER_PORT:-8080}
            fi ;;
        *) port=off ;;
    esac
fi
if [ "$port" = off ]; then echo "healthy: vigil ${role:-?} serves no HTTP"; exit 0; fi
# A server on every interface answers on the loopback one.
case "$host" in ""|0.0.0.0|::|"[::]") host=127.0.0.1 ;; esac

# One request, a 4-second budget; healthy on "HTTP/1.x 200".
status=$(timeout 4 bash -c '
    exec 3<>"/dev/tcp/$1/$2" || exit 1
    printf "GET /healthz HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n" "$1" >&3
    IFS= read -r line <&3 && echo "$line"
' healthcheck "$host" "$port" 2>/dev/null | tr -d '\r')
case "$status" in
    "HTTP/1."?" 200"*) echo "healthy: GET /healthz on $host:$port: $status"; exit 0 ;;
    *) echo "unhealthy: GET /healthz on $host:$port: ${status:-no answer}"; exit 1 ;;
esac
