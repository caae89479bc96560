"""A rep's mistaken deal files, as `playbook assess` reads them: each told what it is and what to do, at 1:1 when
the file as a whole is the mistake; and a file that is not a deal file at all bounded in time, memory and output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from playbook_cli.main import main
from sales_process.loader import parse_process
from sales_process.problems import InvalidFile
from tests.conftest import DEFAULT_PROCESS

AUDIT_IT = "(see `playbook assess --help`); to audit an export, run `playbook audit "
UNANSWERED = "to leave 'pain-confirmed' unanswered, give it null in place of the whole answer, or leave it out"


def _assess(tmp_path: Path, name: str, content: str | bytes, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    status = main(["assess", str(path), "--process", str(DEFAULT_PROCESS), *extra])
    err = capsys.readouterr().err
    assert status == 1
    assert "Traceback" not in err
    return err.replace(str(tmp_path) + "/", "")


def _many_milestones(count: int) -> str:
    return json.dumps({"milestones": {f"m{index}": True for index in range(count)}})


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        pytest.param(
            "export.csv",
            "deal,claimed_stage,amount\nContoso,proposing,120000\n",
            f"export.csv:1:1: error: this is a CSV export, a table of deals; `playbook assess` reads one deal, as JSON "
            f"or YAML {AUDIT_IT}export.csv`\n1 error found.\n",
            id="csv-by-name",
        ),
        pytest.param(
            "export.json",
            "Opportunity;Stage;Amount;pain-confirmed\nDeal 0;Proposing;51987;yes\n",
            "export.json:1:1: error: this looks like a CSV export, a table of deals (its first line is a row of "
            f"headers); `playbook assess` reads one deal, as JSON or YAML {AUDIT_IT}export.json`\n1 error found.\n",
            id="csv-by-its-headers",
        ),
        pytest.param(
            "deal.json",
            '{"deal": "A", "deal": "B"}',
            "deal.json:1:15: error: duplicate key 'deal' (first at column 2 of this line); a JSON reader would "
            "silently keep only the last one, so merge or remove one\n1 error found.\n",
            id="duplicate-key-in-json",
        ),
        pytest.param(
            "deal.yaml",
            "deal: A\ndeal: B\n",
            "deal.yaml:2:1: error: duplicate key 'deal' (first at line 1); YAML would silently keep only the last "
            "one, so merge or remove one\n1 error found.\n",
            id="duplicate-key-in-yaml",
        ),
        pytest.param(
            "deal.yaml",
            "amount: 1.200.000\n",
            "deal.yaml:1:9: error: 'amount': '1.200.000' has points between its thousands (as German, Dutch or "
            "Italian write amounts); write it like 1200000\n1 error found.\n",
            id="points-between-thousands",
        ),
        pytest.param(
            "deal.yaml",
            "amount: 0250000\n",
            "deal.yaml:1:9: error: '0250000' is read as 86016 (a number with a leading 0 is octal); write 250000 "
            "(without the leading 0)\n1 error found.\n",
            id="amount-octal",
        ),
        pytest.param(
            "deal.yaml",
            "amount: 250.000\n",
            "deal.yaml:1:9: error: '250.000' is read as 250: YAML takes the point for a decimal point; write 250000 "
            "(digits alone) for 250,000\n1 error found.\n",
            id="amount-thousand-point",
        ),
        pytest.param(
            "deal.yaml",
            "amount: 0x3D090\n",
            "deal.yaml:1:9: error: '0x3D090' is read as 250000 (YAML reads it as a hexadecimal number); write it in "
            "decimal digits, e.g. 250000\n1 error found.\n",
            id="amount-hexadecimal",
        ),
        pytest.param(
            "deal.yaml",
            "deal: 0123\n",
            "deal.yaml:1:7: error: '0123' is read as 83 (a number with a leading 0 is octal); put it in quotes to "
            "keep it as written: '0123'\n1 error found.\n",
            id="name-octal",
        ),
        pytest.param(
            "deal.json",
            '{"milestones": {"pain-confirmed": {"met": null}}}',
            f"deal.json:1:43: error: 'met' must be true or false, got null; {UNANSWERED}\n1 error found.\n",
            id="met-null",
        ),
        pytest.param(
            "deal.yaml",
            "milestones:\n  pain-confirmed: {met: nope}\n",
            "deal.yaml:2:25: error: 'met': 'nope' is not yes or no; write true or false (yes/no, 1/0, ",
            id="met-nope-without-leave-it-blank",
        ),
    ],
)
def test_a_reps_mistake_is_told_plainly(
    name: str, content: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _assess(tmp_path, name, content, capsys)
    assert err.startswith(message)
    assert "leave it blank" not in err


def test_many_keys_without_aliases_are_not_blamed_on_aliases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _assess(tmp_path, "many.json", _many_milestones(60_000), capsys)
    assert "alias" not in err
    assert "error: the file holds more than 100,000 keys and values, which no deal needs" in err
    assert "check that it is the deal file you meant" in err
    with pytest.raises(InvalidFile) as caught:
        parse_process(_many_milestones(60_000).encode(), "p.json")
    assert "the file holds more than 100,000 keys and values, which no process needs" in str(
        caught.value.diagnostics[0]
    )


def test_a_file_far_over_a_deals_size_is_refused_unread(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _assess(tmp_path, "x.yaml", "x:\n" * 4_000_000, capsys)
    assert err == (
        "x.yaml:1:1: error: the file is 11.4 MB; a deal file is at most 10 MB (one deal takes a few kB), so it is "
        "not read: check that it is the deal file you meant\n1 error found.\n"
    )


def test_a_process_file_far_over_a_process_size_is_refused_unread() -> None:
    with pytest.raises(InvalidFile) as caught:
        parse_process(b"x:\n" * 4_000_000, "process.yaml")
    assert [str(d) for d in caught.value.diagnostics] == [
        "process.yaml:1:1: error: the file is 11.4 MB; a process file is at most 10 MB (one process takes tens of "
        "kB), so it is not read: check that it is the process file you meant"
    ]


def test_the_problems_printed_for_one_file_are_bounded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _assess(tmp_path, "x.yaml", "x:\n" * 150, capsys)  # 'x' unknown, then given 149 times again
    lines = err.splitlines()
    assert len(lines) == 102
    assert lines[0].startswith("x.yaml:1:1: error: unknown key 'x'")
    assert lines[1].startswith("x.yaml:2:1: error: duplicate key 'x' (first at line 1)")
    assert lines[99].startswith("x.yaml:100:1: error: duplicate key 'x'")
    assert lines[-2:] == ["… and 50 more problems, not shown", "150 errors found."]


def test_a_file_over_the_value_budget_says_so_first(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _assess(tmp_path, "x.yaml", "x:\n" * 120_000, capsys)
    assert err.startswith("x.yaml:99999:1: error: the file holds more than 100,000 keys and values, which no deal")


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        pytest.param(
            "03/01/2027",
            "argument --as-of: '03/01/2027' is not a date written YYYY-MM-DD: read day first it is 2027-01-03, "
            "month first 2027-03-01; write the one you mean",
            id="either-order",
        ),
        pytest.param(
            "23/02/2027",
            "argument --as-of: '23/02/2027' is not a date written YYYY-MM-DD; write 2027-02-23 if that is the day "
            "you mean",
            id="day-first-only",
        ),
        pytest.param(
            "yesterday",
            "argument --as-of: 'yesterday' is not a date; write it as YYYY-MM-DD, e.g. 2027-03-01",
            id="no-date",
        ),
    ],
)
def test_as_of_says_it_takes_yyyy_mm_dd_and_what_another_order_reads_as(
    as_of: str, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "ok.json").write_text("{}")
    assert main(["assess", str(tmp_path / "ok.json"), "--process", str(DEFAULT_PROCESS), "--as-of", as_of]) == 2
    assert capsys.readouterr().err.splitlines()[-1] == f"playbook assess: error: {message}"
