#!/usr/bin/env bash
# The project's one test command (README, .ci/run): installs what the tests need on a clean
# machine, then runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test --all-targets
