#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need on a clean
# machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-interop.sh
# Observability tests (tests/observability_*.rs) run Debian's prometheus and promtool; under CI
# they fail, not skip, when these are missing.
if ! command -v prometheus >/dev/null || ! command -v promtool >/dev/null; then
  apt-get update
  apt-get install -y --no-install-recommends prometheus
fi
export VPCMIDO_INTEROP_VENV="$PWD/build/venv"
cargo test --all-targets
