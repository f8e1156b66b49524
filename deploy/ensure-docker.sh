#!/usr/bin/env bash
# Makes a Docker engine answer: installs Debian's docker.io when absent and starts dockerd when no engine answers.
set -euo pipefail
if ! command -v docker >/dev/null 2>&1 || ! command -v dockerd >/dev/null 2>&1; then
  echo "docker: installing docker.io"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi
if docker info >/dev/null 2>&1; then
  echo "docker: engine answers"
  exit 0
fi
echo "docker: starting dockerd (log in /var/log/dockerd.log)"
setsid dockerd >/var/log/dockerd.log 2>&1 < /dev/null &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && { echo "docker: engine answers"; exit 0; }
  sleep 0.5
done
echo "docker: dockerd did not answer within 30 s; see /var/log/dockerd.log" >&2
tail -20 /var/log/dockerd.log >&2 || true
exit 1
