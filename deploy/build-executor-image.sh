#!/usr/bin/env bash
# Builds the executor image (agor-executor:<version>) from the locally built base image; run after `npm run build`.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./daemon/package.json').version")
"$(dirname "$0")/build-base-image.sh"
[ -f executor-image/dist/main.js ] || { echo "executor image: run 'npm run build' first"; exit 1; }
echo "executor image: docker build agor-executor:$version"
docker build -q -f executor-image/Dockerfile -t "agor-executor:$version" . >/dev/null
echo "executor image: agor-executor:$version built ($(docker image inspect -f '{{.Size}}' "agor-executor:$version" | awk '{printf "%d MB", $1/1e6}'))"
