#!/usr/bin/env bash
# Builds every Gatestream image with podman (no Docker daemon), tagged
# localhost/gatestream/DEPLOYABLE:VERSION: app (the CLI layer) and on it router, fusion, expert and
# gateway; adaptation, broker and registry on the JRE base. Maven runs this in the `images` profile
# after packaging the jars (mvn -B -ntp package -Pimages -DskipTests); it expects them built.
#
#   deploy/images/build.sh VERSION
set -euo pipefail
version="${1:?usage: build.sh VERSION}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
if ! command -v podman > /dev/null; then
  echo "images: podman is not installed; run deploy/images/setup.sh (as root) first, or build without -Pimages" >&2
  exit 1
fi
"$here/base.sh"
build() {
  local name="$1"; shift
  local start=$(date +%s%N)
  podman build --quiet --layers -f "$here/$name/Containerfile" -t "localhost/gatestream/$name:$version" "$@" "$root" > /dev/null
  printf 'images: localhost/gatestream/%-12s %4d MB  built in %.1fs\n' "$name:$version" \
    "$(podman image inspect --format '{{.Size}}' "localhost/gatestream/$name:$version" | awk '{printf "%d", $1/1e6}')" \
    "$(( ($(date +%s%N) - start) / 1000000 ))e-3"
}
build app
for stage in router fusion expert gateway; do
  build "$stage" --build-arg "APP=localhost/gatestream/app:$version"
done
build adaptation
build broker
build registry
