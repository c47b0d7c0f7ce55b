#!/usr/bin/env bash
# Builds Docker images of Debian's nginx packages without a container registry.
#
# Usage: scripts/nginx-images.sh [--force] [SUITE...]     (as root)
#   SUITE    Debian suites to build (default: bookworm trixie sid)
#   --force  rebuild a suite whose image already exists
#
# For each suite: `debootstrap --variant=minbase --include=nginx SUITE DIR`,
# then `tar -C DIR -c . | docker import - IMAGE`. The image is tagged
#   h2sticky/nginx:<version>        the version its own `nginx -v` reports
#   h2sticky/nginx:debian-<suite>   the suite it was built from
# and carries the labels org.h2sticky.suite and org.h2sticky.nginx-version.
# No version is written down anywhere: sid moves, so the tag is read from the
# image after it is built.
#
# Environment:
#   H2STICKY_DEBOOTSTRAP_TIMEOUT   seconds one debootstrap may take (default 1800)
#   H2STICKY_WORK_DIR              where debootstrap directories go (default /var/tmp)
#
# Exit status: 0 when every suite has an image, 1 otherwise.
set -euo pipefail

script_dir="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib/docker-host.sh
source "$script_dir/lib/docker-host.sh"

repository=h2sticky/nginx
debootstrap_timeout="${H2STICKY_DEBOOTSTRAP_TIMEOUT:-1800}"
work_dir="${H2STICKY_WORK_DIR:-/var/tmp}"
log_dir=/var/log/h2sticky

usage() {
  sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'
}

fail() {
  h2sticky_log "nginx-images.sh: $*" >&2
  exit 1
}

force=0
suites=()
for argument in "$@"; do
  case "$argument" in
    --force) force=1 ;;
    -h | --help) usage; exit 0 ;;
    -*) fail "unknown option $argument; run $0 --help" ;;
    *) suites+=("$argument") ;;
  esac
done
if ((${#suites[@]} == 0)); then
  suites=(bookworm trixie sid)
fi

if [[ "$(id -u)" != 0 ]]; then
  fail "debootstrap needs root; run: sudo $0 $*"
fi
command -v debootstrap >/dev/null || fail "debootstrap not found; install it with: apt-get install debootstrap"

"$script_dir/dockerd.sh"
h2sticky_select_docker_host

# The debootstrap directory of the suite being built; removed on exit.
build_root=""

# Unmounts whatever debootstrap left mounted below the directory (proc, sys,
# and dev binds after a failure), deepest first, then removes it without
# crossing into another filesystem.
remove_build_root() {
  local root="$1"
  [[ -n "$root" && -d "$root" ]] || return 0
  local mount_point
  while read -r mount_point; do
    umount -l "$mount_point" 2>/dev/null || true
  done < <(awk -v prefix="$root/" 'index($2, prefix) == 1 { print $2 }' /proc/mounts | sort -r)
  rm -rf --one-file-system "$root"
}

cleanup() {
  remove_build_root "$build_root"
}
trap cleanup EXIT

image_exists() {
  docker image inspect "$1" >/dev/null 2>&1
}

# Prints the version from `nginx version: nginx/1.22.1` style output on stdin.
parse_nginx_version() {
  sed -n 's|^nginx version: nginx/\([0-9][0-9.]*\).*|\1|p' | head -n 1
}

build_suite() {
  local suite="$1"
  local suite_tag="$repository:debian-$suite"
  local started=$SECONDS

  if ((force == 0)) && image_exists "$suite_tag"; then
    local existing
    existing="$(docker image inspect --format '{{index .Config.Labels "org.h2sticky.nginx-version"}}' "$suite_tag")"
    h2sticky_log "$suite: $suite_tag exists (nginx $existing); skipping (use --force to rebuild)"
    return 0
  fi

  mkdir -p "$work_dir" "$log_dir"
  build_root="$(mktemp -d "$work_dir/h2sticky-debootstrap-$suite.XXXXXX")"
  local debootstrap_log="$log_dir/debootstrap-$suite.log"

  h2sticky_log "$suite: debootstrap --variant=minbase --include=nginx into $build_root (log $debootstrap_log)"
  if ! timeout "$debootstrap_timeout" debootstrap --variant=minbase --include=nginx "$suite" "$build_root" \
    >"$debootstrap_log" 2>&1; then
    h2sticky_log "$suite: last lines of $debootstrap_log:" >&2
    tail -n 20 "$debootstrap_log" >&2
    fail "$suite: debootstrap failed or ran longer than ${debootstrap_timeout}s; see $debootstrap_log"
  fi
  h2sticky_log "$suite: debootstrap done after $((SECONDS - started))s"

  # The downloaded packages and index files are not needed at run time.
  rm -rf "$build_root"/var/cache/apt/archives/*.deb "$build_root"/var/lib/apt/lists/*

  local version
  version="$(chroot "$build_root" /usr/sbin/nginx -v 2>&1 | parse_nginx_version)"
  [[ -n "$version" ]] || fail "$suite: could not read the nginx version from $build_root/usr/sbin/nginx -v"
  local version_tag="$repository:$version"
  local previous_id=""
  if image_exists "$version_tag"; then
    previous_id="$(docker image inspect --format '{{.Id}}' "$version_tag")"
  fi

  h2sticky_log "$suite: importing nginx $version as $version_tag"
  local image_id
  image_id="$(tar -C "$build_root" -c . | docker import \
    --change "LABEL org.h2sticky.suite=$suite" \
    --change "LABEL org.h2sticky.nginx-version=$version" \
    --change 'CMD ["nginx", "-g", "daemon off;"]' \
    - "$version_tag")"
  docker tag "$image_id" "$suite_tag"
  remove_build_root "$build_root"
  build_root=""

  # Check the version again through a container, which also shows that the
  # engine can run containers with its storage driver.
  local reported
  reported="$(docker run --rm --network none "$version_tag" nginx -v 2>&1 | parse_nginx_version)"
  if [[ "$reported" != "$version" ]]; then
    fail "$suite: $version_tag reports nginx '$reported' in a container, but the chroot reported $version"
  fi

  if [[ -n "$previous_id" && "$previous_id" != "$image_id" ]]; then
    docker image rm "$previous_id" >/dev/null 2>&1 || true
  fi
  h2sticky_log "$suite: built $version_tag and $suite_tag in $((SECONDS - started))s ($(docker image inspect --format '{{.Size}}' "$version_tag") bytes)"
}

total_started=$SECONDS
for suite in "${suites[@]}"; do
  build_suite "$suite"
done

h2sticky_log "all suites done in $((SECONDS - total_started))s; images on ${DOCKER_HOST:-the default Docker socket}:"
docker image ls "$repository" --format '{{.Repository}}:{{.Tag}}  {{.ID}}  {{.Size}}'
