"""What the manual, the reference page and --help show is generated or real output, so it cannot drift."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from docs_tools.hooks import FIELD_REFERENCE, with_field_reference
from playbook_cli import assess, validate
from playbook_cli.main import main
from sales_process.deal import parse_deal
from sales_process.loader import load_process
from sales_process.vocabulary import ANSWERS_BY_LANGUAGE
from site_builder.reference import field_reference
from site_builder.reference_text import VALIDATING
from tests.foundation.readme_examples import ROOT, broken_process, misspelt_process

DOCS = ROOT / "docs"


def _page(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def test_the_manuals_field_reference_is_the_models() -> None:
    """The manual keeps no copy: its hook writes field_reference() where the page asks for it."""
    text = _page("enablement/fields.md")
    assert text.count(FIELD_REFERENCE) == 1
    assert "| `name` |" not in text, "the manual's field reference is written by its hook, not by hand"
    assert field_reference() in with_field_reference(text, "enablement/fields.md")


def _validate(text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """The output of `playbook validate` run in tmp_path (the caller changes into it) on this process.yaml."""
    (tmp_path / "process.yaml").write_text(text, encoding="utf-8")
    main(["validate", "--process", "process.yaml"])
    return capsys.readouterr().err


def _block_after(text: str, marker: str) -> str:
    start = text.index("\n", text.index(marker) + len(marker)) + 1
    return text[start : text.index("```", start)]


def test_the_manuals_validation_example_is_real_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    shown = _block_after(_page("enablement/editing-process.md"), "what to do about it — never a traceback:\n\n```text")
    assert shown == _validate(broken_process(), tmp_path, capsys)


def test_the_validate_examples_in_the_reference_and_help_are_real_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    output = _validate(misspelt_process(), tmp_path, capsys)
    assert f"$ playbook validate --strict\n{output}```" in VALIDATING
    assert f"prints one line per problem, e.g.\n  {output.splitlines()[0]}\n" in validate.EXAMPLE


def test_the_manuals_audit_examples_are_real_output(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = _page("revops/crm-mapping.md")
    exports = ROOT / "tests" / "audit" / "crm_exports"
    monkeypatch.chdir(exports)
    block = _block_after(readme, "$ playbook audit opportunities.csv")
    main(["audit", "opportunities.csv", "--process", str(ROOT / "process.yaml"), "--out", str(tmp_path)])
    assert block == capsys.readouterr().err
    (tmp_path / "process.yaml").write_text(
        (ROOT / "process.yaml").read_text(encoding="utf-8")
        + "\n"
        + (exports / "salesforce.yaml").read_text(encoding="utf-8")
    )
    block = _block_after(
        readme, "$ playbook audit salesforce.csv --as-of 2027-03-01 --out audit-out  # with the crm: block"
    )
    main(
        [
            "audit",
            "salesforce.csv",
            "--as-of",
            "2027-03-01",
            "--process",
            str(tmp_path / "process.yaml"),
            "--out",
            str(tmp_path / "out"),
        ]
    )
    out = capsys.readouterr().out
    assert block == out.replace(str(tmp_path / "out"), "audit-out").replace(_sha(tmp_path / "process.yaml"), "…")


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_deal_examples_in_the_manual_and_help_are_valid_deals() -> None:
    process = load_process(ROOT / "process.yaml").process
    readme = _page("reps/checking-a-deal.md")
    shown = [_block_after(readme, "is refused with that advice):\n\n```json")]
    help_text = assess.EXAMPLE
    shown.append(help_text[help_text.index("{") : help_text.rindex("}") + 1])
    for text in shown:
        assert parse_deal(json.loads(text), process).answers  # parses, and answers something


def test_the_manual_lists_every_yes_and_no_word_of_every_language() -> None:
    readme = _page("revops/crm-mapping.md")
    section = readme[readme.index("- yes/no: `yes`/`no`") : readme.index("- amounts: `120000`")]
    for language, (yes_words, no_words) in ANSWERS_BY_LANGUAGE.items():
        if language != "English":
            assert language in section
        for word in yes_words | no_words:
            assert f"`{word}`" in section or f"`{word.upper()}`" in section, word
