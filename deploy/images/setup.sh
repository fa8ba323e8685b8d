#!/usr/bin/env bash
# Makes this machine able to build and run Gatestream's images without a Docker daemon:
# podman + runc + mmdebstrap from Debian, podman configured for runc with the cgroupfs manager and
# ulimits within the machine's hard limits (crun and podman's default ulimits are refused on the
# CI machines). Idempotent: installs and writes only what is missing. Needs root (apt, /etc).
#
#   deploy/images/setup.sh
set -euo pipefail
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

podman version --format "setup.sh: podman {{.Client.Version}}, runtime $(podman info --format '{{.Host.OCIRuntime.Name}}')"
