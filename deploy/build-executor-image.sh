#!/usr/bin/env bash
# Builds the executor image (agor-executor:<version>) from source, on the locally built base image.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(node -p "require('./daemon/package.json').version")
"$(dirname "$0")/build-base-image.sh"
echo "executor image: docker build agor-executor:$version"
docker build -q -f executor-image/Dockerfile -t "agor-executor:$version" . >/dev/null
echo "executor image: agor-executor:$version built ($(docker image inspect -f '{{.Size}}' "agor-executor:$version" | awk '{printf "%d MB", $1/1e6}'))"
