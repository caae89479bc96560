# Shared set-up for scripts/serve and scripts/test: a project virtualenv that is
# (re)installed whenever pyproject.toml changes. Sourced, not run.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3}"
VENV="$ROOT/.venv"
EXTRAS="${1:-all}"
source "$ROOT/scripts/_uv.sh"
if [ ! -x "$VENV/bin/python" ]; then
  echo "scripts: creating $VENV" >&2
  "$PYTHON" -m venv "$VENV"
fi
STAMP="$VENV/.installed-$EXTRAS"
WANT="$(cat pyproject.toml | sha256sum | cut -c1-16)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "scripts: installing cvo-playbook[$EXTRAS] into $VENV" >&2
  # With uv (scripts/_uv.sh), itself installed from PyPI by pip.
  "$VENV/bin/python" -m pip install --quiet "$UV_PIN"
  # Python compiles a module the first time it is imported and keeps it in __pycache__; where nothing may
  # be written at import (PYTHONDONTWRITEBYTECODE), the copies compiled at install are the only ones kept.
  COMPILE=()
  if [ -n "${PYTHONDONTWRITEBYTECODE:-}" ]; then
    COMPILE=(--compile-bytecode)
  fi
  "$VENV/bin/uv" pip install --quiet --python "$VENV/bin/python" "${COMPILE[@]}" -e ".[$EXTRAS]"
  echo "$WANT" > "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
export NO_MKDOCS_2_WARNING=1
