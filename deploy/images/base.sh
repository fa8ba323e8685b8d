#!/usr/bin/env bash
# Builds the JRE base image of every Gatestream image from Debian packages (no image registry needed):
# a bookworm rootfs with openjdk-17-jre-headless and a non-root user 'gatestream' (uid/gid 10001),
# imported into podman as localhost/gatestream/jre:17 and cached as a docker-archive under
# .gatestream/images/ (git-ignored; also usable as a Jib tar:// base). Built only when the cache is
# missing (or with --force); a cached archive is loaded into podman when podman lacks the image.
#
#   deploy/images/base.sh [--force] [--variant essential|apt]
#
# Needs mmdebstrap and podman (deploy/images/setup.sh installs them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cache="$root/.gatestream/images"
variant=essential
force=false
while [[ $# -gt 0 ]]; do
  case "$1" in
    --force) force=true; shift ;;
    --variant) variant="$2"; shift 2 ;;
    *) echo "base.sh: unknown argument '$1' (use --force, --variant essential|apt)" >&2; exit 2 ;;
  esac
done
image="localhost/gatestream/jre:17"
archive="$cache/jre-17-base.tar"
mkdir -p "$cache"

if $force || [[ ! -s "$archive" ]]; then
  start=$(date +%s)
  rootfs="$(mktemp -d)/jre-rootfs.tar"
  # Docs, man pages and translations are of no use in an image; dpkg never unpacks them (the JRE's
  # postinst still links its man page, hence the empty man1 directory).
  mmdebstrap --quiet --format=tar --variant="$variant" \
    --include=openjdk-17-jre-headless,ca-certificates \
    --dpkgopt='path-exclude=/usr/share/doc/*' \
    --dpkgopt='path-include=/usr/share/doc/*/copyright' \
    --dpkgopt='path-exclude=/usr/share/man/*' \
    --dpkgopt='path-exclude=/usr/share/info/*' \
    --dpkgopt='path-exclude=/usr/share/locale/*' \
    --essential-hook='mkdir -p "$1/usr/share/man/man1"' \
    --customize-hook='echo "gatestream:x:10001:10001:gatestream:/home/gatestream:/usr/sbin/nologin" >> "$1/etc/passwd"' \
    --customize-hook='echo "gatestream:x:10001:" >> "$1/etc/group"' \
    --customize-hook='mkdir -p "$1/home/gatestream" && chown 10001:10001 "$1/home/gatestream"' \
    --customize-hook='rm -rf "$1"/var/cache/apt/* "$1"/var/lib/apt/lists/*' \
    bookworm "$rootfs"
  podman import --quiet \
    --change 'ENV JAVA_HOME=/usr/lib/jvm/java-17-openjdk-amd64' \
    --change 'USER 10001:10001' \
    --change 'WORKDIR /home/gatestream' \
    "$rootfs" "$image" > /dev/null
  rm -rf "$(dirname "$rootfs")"
  podman save --quiet --format docker-archive -o "$archive.part" "$image"
  mv "$archive.part" "$archive"
  echo "base.sh: $variant rootfs built and imported in $(( $(date +%s) - start ))s"
elif ! podman image exists "$image"; then
  podman load --quiet -i "$archive" > /dev/null
fi
echo "base.sh: $image ($(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}')), cached in ${archive#"$root"/}"
