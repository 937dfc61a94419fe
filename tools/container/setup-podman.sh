#!/usr/bin/env bash
# Makes podman usable on a CI machine like this one (Debian, root, no Docker engine). Idempotent: installs
# podman and runc only when missing, and writes containers.conf only when it lacks the ulimits fix.
# Why each step: crun fails on hybrid cgroup hierarchies where runc works, and the default ulimits cannot
# be raised inside an unprivileged sandbox, so containers.conf clears them.
set -euo pipefail

if [[ "$(id -u)" != 0 ]]; then
  echo "setup-podman.sh: run as root (it installs packages and writes /etc/containers)" >&2
  exit 1
fi

missing=()
command -v podman >/dev/null 2>&1 || missing+=(podman)
command -v runc >/dev/null 2>&1 || missing+=(runc)
if ((${#missing[@]})); then
  echo "setup-podman.sh: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# podman's default ulimits ask for more open files than this kernel lets a container raise to, so every
# container fails to start unless the defaults are emptied.
conf=/etc/containers/containers.conf
if ! grep -qs '^[[:space:]]*default_ulimits' "$conf"; then
  mkdir -p "$(dirname "$conf")"
  if [[ -s "$conf" ]] && grep -q '^\[containers\]' "$conf"; then
    sed -i 's/^\[containers\]$/[containers]\ndefault_ulimits = []/' "$conf"
  else
    printf '[containers]\ndefault_ulimits = []\n' >>"$conf"
  fi
  echo "setup-podman.sh: wrote default_ulimits = [] to $conf"
fi

echo "setup-podman.sh: ready: $(podman --version), $(runc --version | head -n 1)"
