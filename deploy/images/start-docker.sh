#!/usr/bin/env bash
# Starts a Docker engine for PumpTwin's images and their system test when none answers, as root,
# with its own socket and data root (ENVIRONMENT.md: the machines run none by default), and waits
# until it answers. Prints the DOCKER_HOST to use. Needs docker.io (apt-get install docker.io).
#   PUMPTWIN_DOCKER_SOCK   socket path   (default /run/pumptwin-docker/docker.sock)
#   PUMPTWIN_DOCKER_ROOT   data root     (default /var/lib/pumptwin-docker)
set -euo pipefail
sock="${PUMPTWIN_DOCKER_SOCK:-/run/pumptwin-docker/docker.sock}"
data_root="${PUMPTWIN_DOCKER_ROOT:-/var/lib/pumptwin-docker}"
run_dir="$(dirname "$sock")"
log="$run_dir/dockerd.log"

answers() { DOCKER_HOST="unix://$sock" docker version --format '{{.Server.Version}}' >/dev/null 2>&1; }

if answers; then
  echo "unix://$sock"
  exit 0
fi
command -v dockerd >/dev/null || { echo "start-docker: dockerd not found (apt-get install docker.io)" >&2; exit 1; }
[[ "$(id -u)" == 0 ]] || { echo "start-docker: dockerd must be started as root" >&2; exit 1; }
mkdir -p "$run_dir" "$data_root"
echo "start-docker: starting dockerd socket=$sock data_root=$data_root log=$log" >&2
# Defaults work on these machines (overlay2, bridge networking with iptables); the engine is
# detached from this shell so it outlives the script.
setsid dockerd --host "unix://$sock" --data-root "$data_root" --exec-root "$run_dir/exec" \
  --pidfile "$run_dir/dockerd.pid" >"$log" 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  if answers; then
    echo "start-docker: engine $(DOCKER_HOST="unix://$sock" docker version --format '{{.Server.Version}}') ready" >&2
    echo "unix://$sock"
    exit 0
  fi
  sleep 1   # bounded: 60 polls
done
echo "start-docker: dockerd did not answer within 60 s; last lines of $log:" >&2
tail -20 "$log" >&2
exit 1
