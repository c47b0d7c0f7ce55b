#!/usr/bin/env bash
# Starts a Docker engine for h2sticky when none responds, and waits until it does.
#
# Usage: scripts/dockerd.sh            (as root)
#
# The engine gets its own paths, so it never disturbs a system Docker:
#   socket     /run/h2sticky/docker.sock
#   data root  /var/lib/h2sticky/docker (images survive restarts)
#   exec root  /run/h2sticky/docker-exec
#   pid file   /run/h2sticky/dockerd.pid
#   log        /var/log/h2sticky/dockerd.log
# The engine creates no bridge and no iptables rules: h2sticky runs its
# containers with --network host so that they reach loopback backends.
#
# Storage driver: H2STICKY_DOCKER_STORAGE_DRIVER wins when it is set.
# Otherwise the driver recorded in the data root by an earlier start is kept,
# because images live in the driver's directories and switching would hide
# them. A first start picks overlay2 when this kernel can mount an overlay
# filesystem on the data root, and vfs otherwise. When dockerd fails to start
# with overlay2, the script tries vfs once.
#
# Environment:
#   DOCKER_HOST                       engine to check first; when it responds, nothing is started
#   H2STICKY_DOCKER_STORAGE_DRIVER    force a storage driver (overlay2, vfs, ...)
#   H2STICKY_DOCKERD_WAIT_SECONDS     how long to wait for the engine to respond (default 60)
#
# Exit status: 0 when an engine responds, 1 when it could not be started.
set -euo pipefail

# shellcheck source=lib/docker-host.sh
source "$(dirname -- "${BASH_SOURCE[0]}")/lib/docker-host.sh"

wait_seconds="${H2STICKY_DOCKERD_WAIT_SECONDS:-60}"
driver_record="$H2STICKY_DOCKER_DATA_ROOT/h2sticky-storage-driver"

engine_responds() {
  docker info --format '{{.ServerVersion}}' >/dev/null 2>&1
}

fail() {
  h2sticky_log "dockerd.sh: $*" >&2
  exit 1
}

# Returns 0 when an overlay filesystem can be mounted inside the data root,
# which is what the overlay2 driver needs.
overlay_mount_works() {
  local probe
  probe="$(mktemp -d "$H2STICKY_DOCKER_DATA_ROOT/.overlay-probe.XXXXXX")"
  mkdir -p "$probe/lower" "$probe/upper" "$probe/work" "$probe/merged"
  local status=1
  if mount -t overlay overlay -o "lowerdir=$probe/lower,upperdir=$probe/upper,workdir=$probe/work" "$probe/merged" 2>/dev/null; then
    status=0
    umount "$probe/merged"
  fi
  rm -rf "$probe"
  return "$status"
}

choose_storage_driver() {
  if [[ -n "${H2STICKY_DOCKER_STORAGE_DRIVER:-}" ]]; then
    printf '%s\n' "$H2STICKY_DOCKER_STORAGE_DRIVER"
  elif [[ -s "$driver_record" ]]; then
    cat "$driver_record"
  elif overlay_mount_works; then
    printf 'overlay2\n'
  else
    printf 'vfs\n'
  fi
}

# Starts dockerd with the given storage driver in its own session, so that it
# outlives this script, and waits until it responds. On failure it stops the
# dockerd it started and returns 1.
start_engine() {
  local driver="$1"
  local log_start
  log_start=$(($(wc -l <"$H2STICKY_DOCKER_LOG_FILE") + 1))

  h2sticky_log "starting dockerd (storage driver $driver, socket $H2STICKY_DOCKER_SOCKET, log $H2STICKY_DOCKER_LOG_FILE)"
  setsid dockerd \
    --host "unix://$H2STICKY_DOCKER_SOCKET" \
    --data-root "$H2STICKY_DOCKER_DATA_ROOT" \
    --exec-root "$H2STICKY_DOCKER_EXEC_ROOT" \
    --pidfile "$H2STICKY_DOCKER_PID_FILE" \
    --storage-driver "$driver" \
    --bridge none \
    --iptables=false \
    --ip-masq=false \
    --ip-forward=false \
    </dev/null >>"$H2STICKY_DOCKER_LOG_FILE" 2>&1 &
  local pid=$!

  local deadline=$((SECONDS + wait_seconds))
  while ((SECONDS < deadline)); do
    if engine_responds; then
      printf '%s\n' "$driver" >"$driver_record"
      h2sticky_log "engine responds on $DOCKER_HOST (dockerd pid $pid, storage driver $driver)"
      return 0
    fi
    if ! h2sticky_process_running "$pid" dockerd; then
      break
    fi
    sleep 0.5
  done

  if h2sticky_process_running "$pid" dockerd; then
    h2sticky_log "dockerd pid $pid did not respond within ${wait_seconds}s; stopping it" >&2
    kill "$pid" 2>/dev/null || true
    local stop_deadline=$((SECONDS + 15))
    while h2sticky_process_running "$pid" dockerd && ((SECONDS < stop_deadline)); do sleep 0.5; done
  else
    h2sticky_log "dockerd exited before it responded" >&2
  fi
  h2sticky_log "last lines of $H2STICKY_DOCKER_LOG_FILE:" >&2
  tail -n +"$log_start" "$H2STICKY_DOCKER_LOG_FILE" | tail -n 20 >&2
  return 1
}

h2sticky_select_docker_host
if engine_responds; then
  h2sticky_log "a Docker engine already responds on ${DOCKER_HOST:-the default socket}; nothing to start"
  exit 0
fi

if [[ -n "${DOCKER_HOST:-}" && "$DOCKER_HOST" != "unix://$H2STICKY_DOCKER_SOCKET" ]]; then
  fail "DOCKER_HOST=$DOCKER_HOST does not respond; unset DOCKER_HOST to start the h2sticky engine, or start that engine"
fi
if [[ "$(id -u)" != 0 ]]; then
  fail "starting dockerd needs root; run: sudo $0"
fi
command -v dockerd >/dev/null || fail "dockerd not found; install it with: apt-get install docker.io"
command -v docker >/dev/null || fail "docker CLI not found; install it with: apt-get install docker.io"

mkdir -p "$(dirname "$H2STICKY_DOCKER_SOCKET")" "$H2STICKY_DOCKER_DATA_ROOT" "$H2STICKY_DOCKER_EXEC_ROOT" \
  "$(dirname "$H2STICKY_DOCKER_LOG_FILE")"
touch "$H2STICKY_DOCKER_LOG_FILE"
export DOCKER_HOST="unix://$H2STICKY_DOCKER_SOCKET"

# A dockerd from an earlier start that is alive but does not respond is still
# starting or is stuck. Wait for it, because a second dockerd on the same
# paths would fail.
if [[ -s "$H2STICKY_DOCKER_PID_FILE" ]]; then
  old_pid="$(cat "$H2STICKY_DOCKER_PID_FILE")"
  if h2sticky_process_running "$old_pid" dockerd; then
    h2sticky_log "dockerd pid $old_pid from $H2STICKY_DOCKER_PID_FILE is running; waiting up to ${wait_seconds}s for it"
    deadline=$((SECONDS + wait_seconds))
    while ((SECONDS < deadline)); do
      if engine_responds; then
        h2sticky_log "engine responds on $DOCKER_HOST"
        exit 0
      fi
      sleep 0.5
    done
    fail "dockerd pid $old_pid runs but does not respond on $DOCKER_HOST; see $H2STICKY_DOCKER_LOG_FILE, stop it with: kill $old_pid"
  fi
  h2sticky_log "removing stale pid file $H2STICKY_DOCKER_PID_FILE (pid $old_pid does not run dockerd)"
  rm -f "$H2STICKY_DOCKER_PID_FILE"
fi

driver="$(choose_storage_driver)"
if start_engine "$driver"; then
  exit 0
fi
# NOTE: this fallback has not run on a machine where overlay2 fails; vfs itself
# was checked to start and run the h2sticky images with dockerd 20.10.
if [[ "$driver" == overlay2 && -z "${H2STICKY_DOCKER_STORAGE_DRIVER:-}" && ! -s "$driver_record" ]]; then
  h2sticky_log "overlay2 failed on this machine; trying the vfs storage driver"
  if start_engine vfs; then
    exit 0
  fi
fi
fail "the Docker engine did not start; see the lines above and $H2STICKY_DOCKER_LOG_FILE"
