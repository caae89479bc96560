"""`playbook assess`: the JSON and the report, as_of, standard input, YAML deals and invalid files."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from playbook_cli.main import main
from sales_process.vocabulary import weighted_cents
from tests.engine.golden import GOLDEN, assert_golden

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_PROCESS = ROOT / "process.yaml"
CONTOSO = GOLDEN / "contoso-deal.json"
SHA256 = hashlib.sha256(DEFAULT_PROCESS.read_bytes()).hexdigest()

# A process that is not the repository's: three stages, the last without milestones.
THREE_STAGES = """\
name: Renewals
version: "7"
stages:
  - id: engaged
    name: Engaged
    probability: 30
    milestones:
      - id: usage-reviewed
        question: Has the customer reviewed their usage report with us?
        customer_action: The customer meets to go through the usage report.
        evidence: The meeting notes.
        max_age_days: 10
      - id: renewal-owner-named
        question: Has the customer named who owns the renewal?
        customer_action: The customer names the renewal owner.
        evidence: Their email.
        evidence_required: false
  - id: quoted
    name: Quoted
    probability: 70
    milestones:
      - id: quote-accepted
        question: Has the customer accepted the quote?
        customer_action: The customer accepts the quote in writing.
        evidence: The signed quote.
  - id: renewed
    name: Renewed
    probability: 100
"""

THREE_STAGE_DEAL = """\
deal: Fabrikam renewal
claimed_stage: renewed
amount: 1000.5
as_of: 2027-06-15
milestones:
  usage-reviewed: {met: true, evidence: Notes of the review, date: 2027-06-05}
  renewal-owner-named: true
  quote-accepted:
    met: true
    evidence: "tbd"
"""


def _assess(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    status = main(["assess", *argv])
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err
    return status, captured.out, captured.err


def _assess_json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> Any:
    status, out, err = _assess([*argv, "--json"], capsys)
    assert (status, err) == (0, "")
    assert out.count("\n") == 1  # exactly one JSON object, on one line
    return json.loads(out)


def test_json_of_a_default_process_deal_matches_the_golden_file(capsys: pytest.CaptureFixture[str]) -> None:
    result = _assess_json([str(CONTOSO), "--process", str(DEFAULT_PROCESS)], capsys)
    assert result["process"]["sha256"] == SHA256
    result["process"]["sha256"] = "<sha256 of process.yaml>"  # the golden file survives edits to comments
    assert_golden("contoso.json", json.dumps(result, indent=2, ensure_ascii=False) + "\n")


def test_the_golden_deal_shows_every_status(capsys: pytest.CaptureFixture[str]) -> None:
    result = _assess_json([str(CONTOSO), "--process", str(DEFAULT_PROCESS)], capsys)
    statuses = {m["id"]: m["status"] for m in result["milestones"]}
    assert (result["verified_stage"]["id"], result["claimed_stage"]["id"], result["stages_ahead"]) == (
        "demonstrating",
        "proposing",
        1,
    )
    assert result["next"] == ["demo-attended", "pricing-agreeable", "proposal-agreed-next-step"]
    assert result["out_of_order"] == ["contract-process-started"]
    assert result["weighted_amount"] == {"claimed": 72000.0, "verified": 48000.0, "currency": None}
    assert (statuses["budget-confirmed"], statuses["pricing-agreeable"]) == (
        "verified",
        "stale",
    )  # 120 of 120, 61 of 60 days
    assert set(statuses.values()) == {
        "unanswered",
        "not_met",
        "no_evidence",
        "future_date",
        "undated",
        "stale",
        "verified",
    }


def test_report_of_a_default_process_deal_matches_the_golden_file(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _assess([str(CONTOSO), "--process", str(DEFAULT_PROCESS)], capsys)
    assert (status, err) == (0, "")
    assert_golden("contoso.txt", out.replace(SHA256[:12], "<short sha>"))


def test_a_process_and_a_yaml_deal_from_outside_the_repository(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process = tmp_path / "renewals.yaml"
    process.write_text(THREE_STAGES, encoding="utf-8")
    deal = tmp_path / "fabrikam.yaml"
    deal.write_text(THREE_STAGE_DEAL, encoding="utf-8")
    questions = {
        "usage-reviewed": "Has the customer reviewed their usage report with us?",
        "renewal-owner-named": "Has the customer named who owns the renewal?",
        "quote-accepted": "Has the customer accepted the quote?",
    }
    assert _assess_json([str(deal), "--process", str(process)], capsys) == {
        "process": {"name": "Renewals", "version": "7", "sha256": hashlib.sha256(THREE_STAGES.encode()).hexdigest()},
        "deal": "Fabrikam renewal",
        "as_of": "2027-06-15",
        "verified_stage": {"id": "quoted", "name": "Quoted", "index": 1, "probability": 70},
        "claimed_stage": {"id": "renewed", "name": "Renewed", "index": 2, "probability": 100},
        "stages_ahead": 1,
        "milestones": [
            {
                "id": "usage-reviewed",
                "stage": "engaged",
                "question": questions["usage-reviewed"],
                "status": "verified",
                "reason": "Verified by: Notes of the review",
            },
            {
                "id": "renewal-owner-named",
                "stage": "engaged",
                "question": questions["renewal-owner-named"],
                "status": "verified",
                "reason": "Verified (no evidence is required for this outcome).",
            },
            {
                "id": "quote-accepted",
                "stage": "quoted",
                "question": questions["quote-accepted"],
                "status": "no_evidence",
                "reason": "\u201ctbd\u201d is not evidence; name the record: The signed quote.",
            },
        ],
        "next": ["quote-accepted"],
        "out_of_order": [],
        "weighted_amount": {"claimed": 1000.5, "verified": 700.35, "currency": None},
    }


@pytest.mark.parametrize(
    ("argv", "as_of", "usage_reviewed"),
    [
        pytest.param([], "2027-06-15", "verified", id="the-deals-as-of"),
        pytest.param(["--as-of", "2027-06-16"], "2027-06-16", "stale", id="flag-overrides-the-deal"),
        pytest.param(["--as-of", "2027-06-04"], "2027-06-04", "future_date", id="flag-before-the-answer-date"),
    ],
)
def test_as_of_flag_overrides_the_deal(
    argv: list[str], as_of: str, usage_reviewed: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process = tmp_path / "renewals.yaml"
    process.write_text(THREE_STAGES, encoding="utf-8")
    deal = tmp_path / "fabrikam.yaml"
    deal.write_text(THREE_STAGE_DEAL, encoding="utf-8")
    result = _assess_json([str(deal), "--process", str(process), *argv], capsys)
    assert result["as_of"] == as_of
    assert result["milestones"][0]["status"] == usage_reviewed


def test_as_of_defaults_to_today(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    deal = tmp_path / "deal.json"
    deal.write_text(
        '{"milestones": {"pain-confirmed": {"met": true, "evidence": "Reply email", "date": "2020-01-01"}}}'
    )
    before = dt.date.today().isoformat()
    result = _assess_json([str(deal), "--process", str(DEFAULT_PROCESS)], capsys)
    assert result["as_of"] in {before, dt.date.today().isoformat()}
    assert result["milestones"][0]["status"] == "stale"
    assert (result["claimed_stage"], result["stages_ahead"], result["weighted_amount"]) == (None, None, None)


def test_dash_reads_the_deal_from_standard_input(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(CONTOSO.read_bytes())))
    from_stdin = _assess_json(["-", "--process", str(DEFAULT_PROCESS)], capsys)
    assert from_stdin == _assess_json([str(CONTOSO), "--process", str(DEFAULT_PROCESS)], capsys)


def test_problems_on_standard_input_are_reported_as_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"claimed_stage: proposin\n")))
    assert _assess(["-", "--process", str(DEFAULT_PROCESS)], capsys) == (
        1,
        "",
        (
            "<stdin>:1:16: error: unknown stage 'proposin'; did you mean 'proposing'? "
            "(stages: discovery, qualifying, demonstrating, proposing, negotiating, closed-won)\n1 error found.\n"
        ),
    )


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        pytest.param(
            '{"amount": 1.2e5}',
            "weighted_amount",
            {"claimed": None, "verified": 12000.0, "currency": None},
            id="json-exponent-number",
        ),
        pytest.param(
            '{"amount": 12E+3}',
            "weighted_amount",
            {"claimed": None, "verified": 1200.0, "currency": None},
            id="json-signed-exponent",
        ),
        pytest.param('{"deal": "\\ud83d\\ude00 Contoso"}', "deal", "😀 Contoso", id="json-surrogate-pair"),
        pytest.param('{\n\t"deal": "Tabs"\n}', "deal", "Tabs", id="json-indented-with-tabs"),
        pytest.param("deal: Plain YAML\nas_of: 2027-03-01\n", "as_of", "2027-03-01", id="yaml-unquoted-date"),
        pytest.param("\ufeffdeal: With BOM\n", "deal", "With BOM", id="utf8-byte-order-mark"),
    ],
)
def test_json_is_read_as_json_and_yaml_as_yaml(
    text: str, field: str, expected: object, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = tmp_path / "deal.json"
    deal.write_text(text, encoding="utf-8")
    assert (
        _assess_json([str(deal), "--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01"], capsys)[field] == expected
    )


BAD_YAML_DEAL = """\
deal: Contoso
claimed_stage: Proposin
milestones:
  pain-confirmd: true
  budget-confirmed: {met: "maybe", date: 2027-02-30}
  demo-attended:
    met: true
    date: "03/01/2027"
"""


@pytest.mark.parametrize(
    ("name", "content", "stderr"),
    [
        pytest.param(
            "deal.yaml",
            BAD_YAML_DEAL,
            "deal.yaml:2:16: error: unknown stage 'Proposin'; did you mean 'Proposing'? (stages: Discovery, Qualifying, Demonstrating, Proposing, Negotiating, Closed Won)\n"
            "deal.yaml:4:3: error: unknown milestone 'pain-confirmd'; did you mean 'pain-confirmed'?\n"
            "deal.yaml:5:27: error: 'met': 'maybe' is not yes or no; write true or false (yes/no, 1/0, t/f, x, v, ✓/✗, checked/unchecked and on/off are read too, as are yes/no and TRUE/FALSE in German, French, Spanish, Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Polish and Russian, e.g. ja/nein, oui/non, да/нет, WAHR/FALSCH); to leave 'budget-confirmed' unanswered, give it null in place of the whole answer, or leave it out\n"
            "deal.yaml:5:42: error: '2027-02-30' is not a real calendar date; write it as YYYY-MM-DD\n"
            "deal.yaml:8:11: error: 'date': '03/01/2027' is ambiguous (day or month first?); write it as YYYY-MM-DD, e.g. 2027-03-01\n"
            "5 errors found.\n",
            id="every-problem-of-a-yaml-deal",
        ),
        pytest.param(
            "deal.json",
            '{\n  "deal": "Contoso",\n  "milestones": {\n    "pain-confirmed": {"met": "sure"}\n  }\n}\n',
            "deal.json:4:31: error: 'met': 'sure' is not yes or no; write true or false (yes/no, 1/0, t/f, x, v, ✓/✗, checked/unchecked and on/off are read too, as are yes/no and TRUE/FALSE in German, French, Spanish, Italian, Portuguese, Dutch, Swedish, Danish, Norwegian, Polish and Russian, e.g. ja/nein, oui/non, да/нет, WAHR/FALSCH); to leave 'pain-confirmed' unanswered, give it null in place of the whole answer, or leave it out\n1 error found.\n",
            id="json-deal-at-its-line",
        ),
        pytest.param(
            "deal.json",
            '{"deal": "A", "deal": "B", "milestones": {"nope": true}}',
            "deal.json:1:15: error: duplicate key 'deal' (first at column 2 of this line); a JSON reader would silently keep only the last one, so merge or remove one\n"
            "deal.json:1:43: error: unknown milestone 'nope'\n2 errors found.\n",
            id="duplicate-key-and-other-problems",
        ),
        pytest.param(
            "deal.json",
            '{\n  "deal": "Contoso"\n  "amount": 5\n}\n',
            "deal.json:3:3: error: invalid JSON: Expecting ',' delimiter\n1 error found.\n",
            id="json-syntax-error",
        ),
        pytest.param(
            "deal.json",
            '{\n\t"amount": -1,\n\t"milestones": {"nope": true}\n}',
            # libyaml reads tabs in JSON's braces (the pure-Python parser refused them, and the errors had no line).
            "deal.json:2:12: error: 'amount': -1 is negative; an amount must be zero or more\n"
            "deal.json:3:17: error: unknown milestone 'nope'\n2 errors found.\n",
            id="tab-indented-json",
        ),
        pytest.param(
            "deal.json",
            '{"amount": 4e307, "claimed_stage": "proposing"}',
            "deal.json:1:12: error: 'amount': 4e+307 is too large to be an amount of money (at most 1,000,000,000,000,000)\n1 error found.\n",
            id="amount-too-large-to-weight",
        ),
        pytest.param(
            "deal.json",
            "",
            'deal.json:1:1: error: the file is empty; a deal is an object such as {"milestones": {}}\n1 error found.\n',
            id="empty",
        ),
        pytest.param(
            "deal.json",
            '["pain-confirmed"]',
            "deal.json:1:1: error: a deal must be an object with keys deal, claimed_stage, amount, segment, as_of, milestones; got a list\n1 error found.\n",
            id="top-level-list",
        ),
        pytest.param(
            "deal.json",
            "[" * 100 + "]" * 100,
            "deal.json:1:66: error: values are nested more than 64 levels deep (a recursive alias?); flatten the file\n1 error found.\n",
            id="deeply-nested",
        ),
        pytest.param(
            "deal.json",
            "[" * 100_000 + "]" * 100_000,
            "deal.json:1:1: error: the YAML is nested too deeply to read\n1 error found.\n",
            id="nested-beyond-recursion",
        ),
    ],
)
def test_invalid_deal_files_exit_1_with_every_problem(
    name: str,
    content: str,
    stderr: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    Path(name).write_text(content, encoding="utf-8")
    assert _assess([name, "--process", str(DEFAULT_PROCESS), "--json"], capsys) == (1, "", stderr)


@pytest.mark.parametrize(
    ("argv", "stderr"),
    [
        pytest.param(
            ["missing.json"],
            "missing.json: error: no such file; check the path (and that its folder exists)\n1 error found.\n",
            id="missing-deal-file",
        ),
        pytest.param(
            ["."], ".: error: it is a folder; give a file's path\n1 error found.\n", id="deal-file-is-a-directory"
        ),
        pytest.param(
            ["latin1.json"],
            "latin1.json:1:14: error: the file is not UTF-8 text; save it as UTF-8\n1 error found.\n",
            id="not-utf8",
        ),
        pytest.param(
            ["ok.json", "--process", "missing.yaml"],
            "missing.yaml: error: no such file; pass --process PATH or set PLAYBOOK_PROCESS\n1 error found.\n",
            id="missing-process",
        ),
        pytest.param(
            ["ok.json", "--process", "broken.yaml"],
            "broken.yaml:1:1: error: the top level must be a mapping with 'name' and 'stages' (e.g. 'name: My process')\n1 error found.\n",
            id="invalid-process",
        ),
    ],
)
def test_unreadable_files_exit_1(
    argv: list[str], stderr: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("latin1.json").write_bytes('{"deal": "Caf\u00e9"}'.encode("latin-1"))
    Path("ok.json").write_text("{}")
    Path("broken.yaml").write_text("- just a list\n")
    process = [] if "--process" in argv else ["--process", str(DEFAULT_PROCESS)]
    assert _assess([*argv, *process], capsys) == (1, "", stderr)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(
            ["ok.json", "--as-of", "03/01/2027"],
            "argument --as-of: '03/01/2027' is not a date written YYYY-MM-DD: read day first it is 2027-01-03, "
            "month first 2027-03-01; write the one you mean",
            id="non-iso-as-of",
        ),
        pytest.param(
            ["ok.json", "--as-of", "2027-02-29"],
            "argument --as-of: '2027-02-29' is not a real calendar date",
            id="impossible-as-of",
        ),
        pytest.param([], "the following arguments are required: DEAL_FILE", id="no-deal-file"),
        pytest.param(["ok.json", "--jsn"], "unrecognized arguments: --jsn", id="misspelt-flag"),
    ],
)
def test_usage_errors_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = _assess(argv, capsys)
    assert (status, out) == (2, "")
    assert err.startswith("usage: playbook")
    assert message in err


@pytest.mark.parametrize(
    "command",
    [
        pytest.param([str(Path(sys.executable).parent / "playbook")], id="console-script"),
        pytest.param([sys.executable, "-m", "playbook_cli"], id="python-m"),
    ],
)
def test_the_installed_command_runs_end_to_end(command: list[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"amount": -1}')
    ok = subprocess.run(
        [*command, "assess", str(CONTOSO), "--process", str(DEFAULT_PROCESS), "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    refused = subprocess.run(
        [*command, "assess", str(bad), "--process", str(DEFAULT_PROCESS)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (ok.returncode, ok.stderr, json.loads(ok.stdout)["verified_stage"]["id"]) == (0, "", "demonstrating")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert (
        refused.stderr
        == f"{bad}:1:12: error: 'amount': -1 is negative; an amount must be zero or more\n1 error found.\n"
    )


# Amounts a rep types with more than cents, weighted at Discovery's 10%: the JSON says what audit.csv says.
WEIGHTED_TO_THE_CENT = [
    pytest.param("120000.555", 12000.06, id="float-error-below-the-cent"),  # 12000.055499999999 unrounded
    pytest.param("1234.565", 123.46, id="float-error-above-the-cent"),  # 123.45650000000002
    pytest.param("99999.99", 10000.0, id="rounds-up-to-whole"),  # 9999.999
    pytest.param("33333.33", 3333.33, id="rounds-down"),  # 3333.3330000000005
]


@pytest.mark.parametrize(("amount", "weighted"), WEIGHTED_TO_THE_CENT)
def test_json_weighs_amounts_to_the_cent_as_the_audit_does(
    amount: str, weighted: float, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deal = tmp_path / "deal.json"
    deal.write_text(json.dumps({"deal": "Contoso", "claimed_stage": "discovery", "amount": amount}), encoding="utf-8")
    result = _assess_json([str(deal), "--process", str(DEFAULT_PROCESS), "--as-of", "2027-03-01"], capsys)
    assert result["weighted_amount"] == {"claimed": weighted, "verified": weighted, "currency": None}
    cents = weighted_cents(float(amount), 10)  # the audit's rounding, per deal, half to even
    assert cents is not None and weighted == cents / 100
