#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need on a clean
# machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-interop.sh
export VPCMIDO_INTEROP_VENV="$PWD/build/venv"
cargo test --all-targets
