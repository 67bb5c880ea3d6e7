#!/usr/bin/env bash
# Creates build/venv with the REAL MidoNet Python client (midonetclient 5.2.0 and its
# midonet-cli), converted to Python 3 with lib2to3 (fissix when lib2to3 is gone, Python 3.13+).
# The interop test (tests/sim_interop.rs) drives the emulator with it. Idempotent: a marker file
# records a finished conversion. Fails loudly when pip cannot reach the registry: the interop
# test must fail then, not skip.
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${VPCMIDO_INTEROP_VENV:-build/venv}"
MARKER="$VENV/.midonetclient-5.2.0-py3"
if [[ -f "$MARKER" ]]; then
  echo "interop venv ready: $VENV"
  exit 0
fi
PY="$VENV/bin/python"
# midonetclient 5.2.0 pulls httplib2, pyparsing and WebOb; midonet-cli needs readline (stdlib).
if python3 -m venv "$VENV" 2>/dev/null; then
  "$PY" -m pip install --quiet "midonetclient==5.2.0"
else
  # Debian's python without python3-venv: a pip-less venv, filled by the outer pip.
  python3 -m venv --without-pip "$VENV"
  python3 -m pip --python "$PY" install --quiet "midonetclient==5.2.0"
fi
if "$PY" -c 'import lib2to3' 2>/dev/null; then
  CONVERT=("$PY" -W ignore -m lib2to3)
else
  "$PY" -m pip install --quiet fissix
  CONVERT=("$PY" -W ignore -m fissix)
fi
PKG="$("$PY" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')/midonetclient"
"${CONVERT[@]}" -w -n "$PKG" "$VENV/bin/midonet-cli" >/dev/null 2>&1
"$PY" -c 'import midonetclient.api' 
touch "$MARKER"
echo "interop venv ready: $VENV"
