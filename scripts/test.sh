#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need on a clean
# machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-interop.sh
# The host and metadata tests (tests/host_*.rs, tests/metadata_*.rs) run iproute2's `ip` and
# `curl` (as root, in network namespaces); install them only when missing.
need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v curl >/dev/null 2>&1 || need+=(curl)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "scripts/test.sh: missing ${need[*]} (install them; the host tests need them)" >&2
  fi
fi
export VPCMIDO_INTEROP_VENV="$PWD/build/venv"
cargo test --all-targets
