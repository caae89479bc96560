# Shared set-up for scripts/serve and scripts/test: a project virtualenv that is
# (re)installed whenever pyproject.toml changes. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
EXTRAS="${1:-all}"
if [ ! -x "$VENV/bin/python" ]; then
  echo "scripts: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.installed-$EXTRAS"
WANT="$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "scripts: installing cvo-playbook[$EXTRAS] into $VENV" >&2
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
  # pip compiles every module of every package up front (22 s instead of 12 s here) unless told not to;
  # Python compiles a module the first time it is imported and keeps it in __pycache__. Where nothing may
  # be written at import (PYTHONDONTWRITEBYTECODE), pip's compiled copies are the only ones kept.
  COMPILE="--compile"
  if [ -z "${PYTHONDONTWRITEBYTECODE:-}" ]; then
    COMPILE="--no-compile"
  fi
  "$VENV/bin/python" -m pip install --quiet "$COMPILE" -e ".[$EXTRAS]"
  echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
export NO_MKDOCS_2_WARNING=1
