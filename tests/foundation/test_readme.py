"""The README's field reference is the one the model generates."""

from __future__ import annotations

from pathlib import Path

from site_builder.reference import field_reference

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_field_reference_matches_the_model() -> None:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- field-reference:start -->\n") + len("<!-- field-reference:start -->\n")
    end = text.index("\n<!-- field-reference:end -->")
    assert text[start:end] == field_reference(), (
        "README.md's field reference is out of date: paste the output of\n"
        "  python -c 'from site_builder.reference import field_reference; print(field_reference())'"
    )
