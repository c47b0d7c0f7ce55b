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

# Prints a line prefixed with the current UTC time.
h2sticky_log() {
  printf '%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$*"
}
