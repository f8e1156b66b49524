#!/usr/bin/env bash
# Makes PostgreSQL's server binaries (initdb, pg_ctl) available; the tests start their own throwaway cluster.
set -euo pipefail
if command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  echo "postgres: server binaries present"
  exit 0
fi
echo "postgres: installing Debian's postgresql"
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
