"""`playbook audit` end to end, in-process: exit statuses, encodings, every row accounted for."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from playbook_cli.main import main
from sales_process.totals import LISTED_PROBLEMS
from tests.audit.helpers import ROOT, audit

HEAD = "deal,stage,amount,owner,pain-confirmed,pain-confirmed.evidence,pain-confirmed.date\n"
Write = Callable[[str, str], Path]


def test_a_small_pipeline(capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path) -> None:
    source = write_file(
        "p.csv",
        HEAD + 'Contoso,Qualifying,"$10,000",Ana,yes,recap reply from CFO,2027-02-01\n'
        "Fabrikam,Negociating,5000,Ben,,,\n",
    )
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01")
    assert run.status == 0, run.err
    assert (
        "Deals read: 2\nDeals assessed: 1\nDeals not assessed: 1\n  line 3: unknown stage 'Negociating'; did you mean 'Negotiating'?"
        in run.out
    )
    assert run.rows()[0] == {
        "line": "2",
        "deal": "Contoso",
        "crm_id": "",
        "owner": "Ana",
        "claimed_stage": "Qualifying",
        "verified_stage": "Discovery",
        "stages_ahead": "1",
        "amount": "10000.00",
        "claimed_weighted": "2000.00",
        "verified_weighted": "1000.00",
        "next_customer_actions": "The prospect accepts a meeting invitation with the people who own the problem.",
        "not_assessed": "",
        "claimed_stage_id": "qualifying",
        "verified_stage_id": "discovery",
        "next_milestone_ids": "next-meeting-accepted",
        "verified_stage_confirmed_by_buyer": "no",
        "buyer_confirmed_milestone_ids": "",
        "outcome": "open",
        "close_date": "",
    }
    assert run.rows()[1]["claimed_stage"] == "Negociating" and run.rows()[1]["not_assessed"].startswith("unknown stage")
    assert (run.rows()[1]["claimed_stage_id"], run.rows()[1]["verified_stage_id"]) == ("", "")


@pytest.mark.parametrize(("language", "lang"), [(None, "en"), ("de-CH", "de-CH")])
def test_the_report_is_in_the_process_language(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path, language: str | None, lang: str
) -> None:
    """A German process's report was <html lang="en">: its stage names and questions read by English rules."""
    process = tmp_path / "process.yaml"
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    process.write_text(text + (f"language: {language}\n" if language else ""), encoding="utf-8")
    source = write_file("p.csv", HEAD + 'Contoso,Qualifying,"$10,000",Ana,yes,recap reply from CFO,2027-02-01\n')
    out = tmp_path / "out"
    assert main(["audit", str(source), "--process", str(process), "--as-of", "2027-03-01", "--out", str(out)]) == 0
    assert f'<html lang="{lang}">' in (out / "report.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("row", "ahead", "alarm"),
    [
        ("Contoso,Qualifying,10000,Ana,yes,recap reply from CFO,2027-02-01", "1 deal sits in a CRM stage", True),
        ("Contoso,Discovery,10000,Ana,yes,recap reply from CFO,2027-02-01", "No deal sits in a CRM stage", False),
    ],
)
def test_the_difference_is_red_and_the_deals_ahead_ranked_only_when_there_are_any(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path, row: str, ahead: str, alarm: bool
) -> None:
    run = audit(capsys, tmp_path / "out", str(write_file("p.csv", HEAD + row + "\n")), "--as-of", "2027-03-01")
    html = run.html()
    assert ahead in html and ("Biggest inflation first." in html) is alarm
    assert ('<div class="gap"><dt>Difference' in html) is alarm


def test_deals_left_out_of_the_totals_are_counted_in_words(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path
) -> None:
    source = write_file(
        "p.csv",
        HEAD + "Contoso,Qualifying,,Ana,yes,recap reply from CFO,2027-02-01\n"
        "Fabrikam,,5000,Ben,yes,recap reply from CFO,2027-02-01\n,,,,,,\n"
        "Litware,,7000,Ben,yes,recap reply from CFO,2027-02-01\n",
    )
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01")
    assert "Not in the weighted totals: 1 deal without an amount, 2 without a claimed stage." in run.out
    # No deal has both: the sentence says nothing is weighted, not "over the 0 deals".
    assert (
        "Nothing is weighted: no open deal has both an amount and a claimed stage; not included: 1 deal without an "
        "amount, 2 without a claimed stage." in run.html()
    )
    assert "1 blank row was skipped." in run.html()


def test_the_reports_notes_on_reading_the_file_are_sentences_with_spaces_between(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path
) -> None:
    """The currency, the blank row and a Salesforce report's footer are told one sentence after another, each
    followed by a space: they ran together as "Amounts are in USD.1 blank row was skipped.3 footer lines…"."""
    source = write_file(
        "p.csv",
        "deal,stage,amount,currency,owner\nContoso,Qualifying,10000,USD,Ana\n,,,,\nFabrikam,Discovery,5000,USD,Ben\n"
        '"Grand Totals (2 records)"\n"Confidential Information - Do Not Distribute"\n'
        '"Copyright (c) 2000-2026 salesforce.com, inc. All rights reserved."\n',
    )
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01", "--no-evidence")
    assert run.status == 0, run.err
    said = "Amounts are in USD. 1 blank row was skipped. 3 footer lines after the data were skipped."
    assert said in " ".join(run.html().split()), run.html()


def test_semicolons_a_bom_and_a_cell_spanning_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    text = HEAD.replace(",", ";") + 'A;discovery;1;x;y;"two\nlines of evidence";2027-02-01\nB;nowhere;;;;;\n'
    source.write_bytes(b"\xef\xbb\xbf" + text.encode())
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01")
    assert run.status == 0, run.err
    assert [row["line"] for row in run.rows()] == ["2", "4"]  # the second row starts after the two-line cell
    assert "  line 4: unknown stage 'nowhere'" in run.out


def test_a_date_that_fits_only_the_other_order_names_the_option_to_change(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A German export read with --month-first: 15.09.2026 is no date month first, and the reason says why."""
    source = tmp_path / "p.csv"
    source.write_text(HEAD + "A,discovery,1,x,y,Reply email from the CFO,15.09.2026\n", encoding="utf-8")
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01", "--month-first")
    assert (
        "  line 2: pain-confirmed.date: '15.09.2026' is not a real calendar date (read as year 2026, month 15, day 9); "
        "read day first it is 2026-09-15; if the file writes its dates day first, pass --day-first "
        "(crm.dates: day-first) instead\n"
    ) in run.out


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            HEAD.replace("pain-confirmed,", "pain-confrmed,"),
            "p.csv:1: error: column 5: unknown column 'pain-confrmed'; did you mean 'pain-confirmed'?",
        ),
        ("", "p.csv:1: error: the file is empty"),
        (HEAD + 'A,discovery,1,x,y,"unclosed,2027-01-01\n', "p.csv:2: error: not a readable CSV file"),
    ],
)
def test_unreadable_files_exit_1(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path, content: str, message: str
) -> None:
    run = audit(capsys, tmp_path / "out", str(write_file("p.csv", content)), "--as-of", "2027-03-01")
    assert (run.status, run.out) == (1, "")
    assert message in run.err
    assert not (tmp_path / "out" / "audit.csv").exists() and not list((tmp_path / "out").glob("*.partial"))


def test_a_file_that_is_not_utf8_is_located(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    source = tmp_path / "p.csv"
    source.write_bytes(HEAD.encode() + b"Caf\xe9,discovery,,,,,\n")
    run = audit(capsys, tmp_path / "out", str(source))
    # A Salesforce report exported in its default ISO-8859-1, or Excel's plain "CSV": say how to export UTF-8 there.
    assert (
        run.status == 1
        and "p.csv:2:4: error: the file is not UTF-8 text; save it as UTF-8 (in Salesforce's export, "
        "Encoding: Unicode (UTF-8); in Excel, CSV UTF-8)"
        in run.err
    )


def test_a_missing_file_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    run = audit(capsys, tmp_path / "out", str(tmp_path / "nope.csv"))
    assert run.status == 1 and "nope.csv: error: no such file" in run.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--as-of", "01/03/2027"], "argument --as-of: '01/03/2027' is not a date"),
        (
            ["--column", "amount=amount", "--ignore-column", "amount"],
            "'amount' is both mapped to amount (--column or crm.columns) and left out",
        ),
        (["--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path, args: list[str], message: str
) -> None:
    run = audit(capsys, tmp_path / "out", str(write_file("p.csv", HEAD)), *args)
    assert run.status == 2 and message in run.err


def test_ignored_columns_and_day_first_dates(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path
) -> None:
    source = write_file("p.csv", HEAD.strip() + ",Region\nA,discovery,100,x,yes,recap reply,01/02/2027,EMEA\n")
    run = audit(
        capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01", "--day-first", "--ignore-column", "region"
    )
    assert run.status == 0, run.err
    assert run.rows()[0]["not_assessed"] == "" and run.rows()[0]["next_milestone_ids"] == "next-meeting-accepted"


def test_many_bad_rows_are_all_counted_and_the_rest_pointed_to(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path
) -> None:
    source = write_file("p.csv", HEAD + "".join(f"D{n},nowhere,,,,,\n" for n in range(25)) + "Ok,discovery,,,,,\n")
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01")
    assert run.status == 1  # more than half not assessed: the outputs are written, the exit status says it failed
    assert run.err.splitlines()[-1] == (
        "playbook audit: error: 25 of 26 deals could not be assessed (more than half), so this audit proves little; "
        "25 of them are at stage names the process does not know: map them under crm.stage_names as listed above "
        "(every reason is in the not_assessed column of audit.csv)"
    )
    # One reason, said once at its first line with the others named (it was printed 20 times over)
    assert "Deals not assessed: 25\n" in run.out and run.out.count("unknown stage 'nowhere'") == 1
    assert "(also on lines 3, 4, 5, 6, 7 and 19 more)\n" in run.out
    assert "  ... and" not in run.out
    assert sum(1 for row in run.rows() if row["not_assessed"]) == 25
    assert run.html().count("unknown stage &#39;nowhere&#39;") == 25


def test_more_reasons_than_listed_point_to_the_rest(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path
) -> None:
    source = write_file("p.csv", HEAD + "".join(f"D{n},nowhere {n},,,,,\n" for n in range(25)) + "Ok,discovery,,,,,\n")
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01")
    assert run.out.count("unknown stage 'nowhere ") == 20
    assert "  ... and 5 more deals not assessed for other reasons: see the not_assessed column of audit.csv" in run.out


def test_a_reason_on_more_rows_than_are_listed_counts_them_all(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path
) -> None:
    # The totals list the first LISTED_PROBLEMS rows: the 47 after them had the same reason, not 47 others.
    rows = "".join(f"D{n},Renewal Due,,,,,\n" for n in range(LISTED_PROBLEMS + 47))
    source = write_file("p.csv", HEAD + rows + "Odd,nowhere,,,,,\nOk,discovery,,,,,\n")
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01")
    assert f"Deals not assessed: {LISTED_PROBLEMS + 48}\n" in run.out
    assert f"(also on lines 3, 4, 5, 6, 7 and {LISTED_PROBLEMS + 47 - 1 - 5} more)\n" in run.out
    assert "  ... and 1 more deal not assessed for other reasons: see the not_assessed column of audit.csv" in run.out


def test_user_errors_share_one_prefix(capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path) -> None:
    blocker = write_file("file", "")
    run = audit(capsys, blocker / "out", str(write_file("p.csv", HEAD)))
    assert (run.status, run.out) == (1, "")
    assert run.err.startswith(f"playbook audit: error: cannot create the output folder '{blocker / 'out'}': ")
    assert run.err.endswith("; choose another with --out\n")


def test_the_report_lists_the_owners_whose_claims_drift_most_first_either_way(
    capsys: pytest.CaptureFixture[str], write_file: Write, tmp_path: Path
) -> None:
    """'Reps whose claimed pipeline drifts most from the evidence first': sorted by the claimed minus the verified,
    the rep whose evidence verifies far more than she claims came last."""
    milestones = [
        "pain-confirmed",
        "next-meeting-accepted",
        "decision-maker-identified",
        "budget-confirmed",
        "timeline-agreed",
    ]
    head = "deal,stage,amount,owner" + "".join(f",{m},{m}.evidence,{m}.date" for m in milestones) + "\n"
    answered = ",yes,reply to recap email,2027-02-20" * len(milestones)
    source = write_file(
        "p.csv",
        head + f"Acme,Discovery,100000,Ana{answered}\n"
        "Beta,Qualifying,10000,Ben" + ",no,," * len(milestones) + "\n"
        "Gamma,Qualifying,50000,Cy" + ",no,," * len(milestones) + "\n",
    )
    run = audit(capsys, tmp_path / "out", str(source), "--as-of", "2027-03-01")
    assert run.status == 0, run.err
    assert [(row[0], row[-1]) for row in run.table("owners")] == [
        ("Ana", "-30,000.00"),
        ("Cy", "5,000.00"),
        ("Ben", "1,000.00"),
    ]
    assert "Reps whose claimed pipeline drifts most from the evidence first, either way" in run.html()
