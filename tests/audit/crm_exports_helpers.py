"""Where the CRM export fixtures are, and the repository's process with the crm: block they need."""

from __future__ import annotations

from pathlib import Path

from tests.audit.helpers import ROOT

EXPORTS = Path(__file__).parent / "crm_exports"


def process_with_real_crm(folder: Path) -> Path:
    """The repository's process.yaml with crm_exports/real.yaml's crm: block appended."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "process.yaml"
    text = (
        (ROOT / "process.yaml").read_text(encoding="utf-8") + "\n" + (EXPORTS / "real.yaml").read_text(encoding="utf-8")
    )
    path.write_text(text, encoding="utf-8")
    return path
