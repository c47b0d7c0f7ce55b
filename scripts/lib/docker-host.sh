# Shared by the h2sticky scripts (sourced, not run). Chooses the Docker engine
# the same way the TypeScript runner does (src/nginx/docker-host.ts):
#   1. DOCKER_HOST when it is set;
#   2. else the engine started by scripts/dockerd.sh, when its socket exists;
#   3. else Docker's default socket (/var/run/docker.sock).

H2STICKY_DOCKER_SOCKET=/run/h2sticky/docker.sock
H2STICKY_DOCKER_DATA_ROOT=/var/lib/h2sticky/docker
H2STICKY_DOCKER_EXEC_ROOT=/run/h2sticky/docker-exec
H2STICKY_DOCKER_PID_FILE=/run/h2sticky/dockerd.pid
H2STICKY_DOCKER_LOG_FILE=/var/log/h2sticky/dockerd.log

# Exports DOCKER_HOST for the docker CLI unless the caller already set it.
h2sticky_select_docker_host() {
  if [[ -n "${DOCKER_HOST:-}" ]]; then
    return 0
  fi
  if [[ -S "$H2STICKY_DOCKER_SOCKET" ]]; then
    export DOCKER_HOST="unix://$H2STICKY_DOCKER_SOCKET"
  fi
}

# Returns 0 when PID runs the program NAME. A zombie, which kill -0 still
# reaches until its parent reaps it, and a reused pid do not count.
h2sticky_process_running() {
  local pid="$1" name="$2" state
  [[ "$pid" =~ ^[0-9]+$ && -r "/proc/$pid/stat" ]] || return 1
  [[ "$(cat "/proc/$pid/comm" 2>/dev/null)" == "$name" ]] || return 1
  state="$(sed -e 's/^.*) //' "/proc/$pid/stat" 2>/dev/null | cut -d' ' -f1)"
  [[ -n "$state" && "$state" != Z && "$state" != X ]]
}

# Prints a line prefixed with the current UTC time.
h2sticky_log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}
