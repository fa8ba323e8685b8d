#!/usr/bin/env bash
# Makes this machine able to build and run Gatestream's images without a Docker daemon:
# podman + runc + mmdebstrap from Debian, podman configured for runc with the cgroupfs manager and
# ulimits within the machine's hard limits (crun and podman's default ulimits are refused on the
# CI machines), and podman's Docker-compatible API socket for Testcontainers.
# Idempotent: installs, writes and starts only what is missing. Needs root (apt, /etc, /run).
#
#   deploy/images/setup.sh     prints the socket, e.g. unix:///run/podman/podman.sock
set -euo pipefail
socket=/run/podman/podman.sock
conf=/etc/containers/containers.conf

missing=()
for tool in podman runc mmdebstrap; do
  command -v "$tool" > /dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "setup.sh: installing ${missing[*]} from Debian" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq > /dev/null
  apt-get install -y -qq podman runc mmdebstrap > /dev/null
fi

if [[ ! -f "$conf" ]]; then
  mkdir -p "$(dirname "$conf")"
  cat > "$conf" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
fi

if ! curl -sf --unix-socket "$socket" http://d/_ping > /dev/null 2>&1; then
  mkdir -p "$(dirname "$socket")"
  nohup podman system service --time=0 "unix://$socket" > /tmp/podman-service.log 2>&1 &
  for _ in $(seq 1 50); do
    curl -sf --unix-socket "$socket" http://d/_ping > /dev/null 2>&1 && break
    sleep 0.2
  done
  curl -sf --unix-socket "$socket" http://d/_ping > /dev/null \
    || { echo "setup.sh: podman's API socket did not come up, see /tmp/podman-service.log" >&2; exit 1; }
fi
echo "unix://$socket"
