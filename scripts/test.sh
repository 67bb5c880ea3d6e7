#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need on a clean
# machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-interop.sh
# System packages, installed only when missing (CI runs as root on a clean Debian machine):
# - iproute2 and curl: the host and metadata tests (tests/host_*.rs, tests/metadata_*.rs) run
#   `ip` and `curl` in network namespaces;
# - prometheus (ships promtool): the observability tests (tests/observability_*.rs) run a real
#   Prometheus and promtool, and fail, not skip, without them.
need=()
command -v ip >/dev/null 2>&1 || need+=(iproute2)
command -v curl >/dev/null 2>&1 || need+=(curl)
{ command -v prometheus >/dev/null 2>&1 && command -v promtool >/dev/null 2>&1; } || need+=(prometheus)
if ((${#need[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}"
  else
    echo "scripts/test.sh: missing ${need[*]} (install them; the tests need them)" >&2
  fi
fi
export VPCMIDO_INTEROP_VENV="$PWD/build/venv"
mkdir -p build
# The run's output is kept in build/test.log; the last line sums every test binary's result.
status=0
cargo test --all-targets 2>&1 | tee build/test.log || status=$?
awk '/^test result:/ { for (i = 1; i < NF; i++) { w = $(i+1); n = $i + 0
                           if (w ~ /^passed/) p += n; if (w ~ /^failed/) f += n; if (w ~ /^ignored/) s += n } }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' build/test.log
exit "$status"
