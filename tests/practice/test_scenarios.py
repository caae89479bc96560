"""Generated practice scenarios: every stated answer is what `playbook assess` says about its deal."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from playbook_cli.main import main
from sales_process.engine import Status
from sales_process.loader import load_process, parse_process
from sales_process.practice import Kind, lower_first, practice_scenarios, recorded_outcomes, scenario_json
from tests.foundation.processes import VALID
from tests.support.synthetic_process import process_document, with_buyer_confirmation

ROOT = Path(__file__).resolve().parents[2]
ODD_PROCESS = ROOT / "tests" / "site_builder" / "odd_process.yaml"


def _process_files(tmp: Path) -> dict[str, Path]:
    files = {"default": ROOT / "process.yaml", "odd": ODD_PROCESS}
    (tmp / "tiny.yaml").write_text(VALID, encoding="utf-8")
    files["tiny"] = tmp / "tiny.yaml"
    for stages, milestones in ((3, 1), (4, 2), (7, 3), (12, 5)):
        path = tmp / f"synthetic-{stages}x{milestones}.yaml"
        path.write_text(yaml.safe_dump(process_document(stages, milestones), sort_keys=False), encoding="utf-8")
        files[path.stem] = path
    # `confirmation: required` at the first gate, a middle one and the last, and a one-milestone gate of it alone.
    for stages, milestones, confirmed in ((5, 2, (0, 2, 3)), (4, 1, (1, 2))):
        path = tmp / f"confirmed-{stages}x{milestones}.yaml"
        document = with_buyer_confirmation(process_document(stages, milestones), confirmed)
        path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
        files[path.stem] = path
    return files


@pytest.fixture(scope="module")
def process_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The repository's processes and generated ones of several shapes."""
    return _process_files(tmp_path_factory.mktemp("processes"))


NAMES = [
    "default",
    "odd",
    "tiny",
    "synthetic-3x1",
    "synthetic-4x2",
    "synthetic-7x3",
    "synthetic-12x5",
    "confirmed-5x2",
    "confirmed-4x1",
]


def _practice_json(process: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    assert main(["practice", "--json", "--process", str(process)]) == 0
    scenarios: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    return scenarios


@pytest.mark.parametrize("name", NAMES)
def test_every_listed_deal_assesses_to_its_stated_answer(
    name: str, process_files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    process = process_files[name]
    scenarios = _practice_json(process, capsys)
    assert scenarios
    for scenario in scenarios:
        deal_file = tmp_path / f"{scenario['id']}.json"
        deal_file.write_text(json.dumps(scenario["deal"]), encoding="utf-8")
        # No --as-of: the deal's own as_of must make the answer independent of today's date.
        assert main(["assess", str(deal_file), "--process", str(process), "--json"]) == 0
        assessed = json.loads(capsys.readouterr().out)
        confirmed = scenario["buyer_confirmed"]
        if confirmed:
            # No deal file can say that the buyer confirmed: without the link's answers those outcomes wait for it.
            waiting = {m["id"] for m in assessed["milestones"] if m["status"] == "awaiting_buyer"}
            assert waiting == set(confirmed), scenario["id"]
            continue
        assert assessed["verified_stage"]["id"] == scenario["answer"]["verified_stage"], scenario["id"]
        assert assessed["next"] == scenario["answer"]["next_milestones"], scenario["id"]
        assert assessed["as_of"] == scenario["deal"]["as_of"]
        assert assessed["stages_ahead"] == scenario["answer"]["stages_ahead"]
        assert assessed["out_of_order"] == scenario["answer"]["out_of_order"]
        question = scenario["answer"]["evidence_question"]
        if question is not None:
            status = next(m["status"] for m in assessed["milestones"] if m["id"] == question["milestone"])
            assert question["counts"] == (status == "verified")


@pytest.mark.parametrize("name", NAMES)
def test_every_stage_is_an_answer_and_every_boundary_has_two_scenarios(
    name: str, process_files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    process = load_process(process_files[name]).process
    scenarios = _practice_json(process_files[name], capsys)
    answers = [process.stage_index(s["answer"]["verified_stage"]) for s in scenarios]
    assert set(answers) == set(range(len(process.stages)))
    for boundary in range(len(process.stages) - 1):
        near = [s for s, a in zip(scenarios, answers, strict=True) if a == boundary and Kind.SHORT in s["kinds"]]
        beyond = [
            s for s, a in zip(scenarios, answers, strict=True) if a == boundary + 1 and Kind.THROUGH in s["kinds"]
        ]
        assert near and beyond, f"boundary {boundary}: {len(near)} short of it, {len(beyond)} through it"
    assert len({s["id"] for s in scenarios}) == len(scenarios)
    if len(process.stages) >= 3:
        assert len(scenarios) >= 12, "a session has a dozen deals"
    links = [s["answer"]["why"]["link"] for s in scenarios]
    milestone_links = {f"/stages/{stage.id}/#{m.id}" for stage, m in process.milestones()}
    assert set(links) <= milestone_links


def test_the_default_process_covers_every_kind_of_mistake(capsys: pytest.CaptureFixture[str]) -> None:
    scenarios = _practice_json(ROOT / "process.yaml", capsys)
    kinds = {kind for s in scenarios for kind in s["kinds"]}
    assert kinds >= {
        Kind.REP_ACTIVITY,
        Kind.PLACEHOLDER,
        Kind.STALE,
        Kind.UNDATED,
        Kind.NOT_MET,
        Kind.FUTURE,
        Kind.OUT_OF_ORDER,
        Kind.AHEAD,
        Kind.BEHIND,
        Kind.SHORT,
        Kind.THROUGH,
    }
    by_id = {s["id"]: s for s in scenarios}
    placeholder = next(s for s in scenarios if Kind.PLACEHOLDER in s["kinds"])
    recorded = placeholder["deal"]["milestones"][placeholder["answer"]["evidence_question"]["milestone"]]
    assert recorded["evidence"] in ("TBD", "see CRM")
    assert placeholder["answer"]["evidence_question"]["counts"] is False
    stale = next(s for s in scenarios if Kind.STALE in s["kinds"])
    assert "only counts for" in stale["answer"]["why"]["rule"]
    assert any(s["answer"]["evidence_question"] and s["answer"]["evidence_question"]["counts"] for s in scenarios)
    assert by_id["several-stages-ahead"]["answer"]["stages_ahead"] >= 2
    assert by_id["cautious-rep"]["answer"]["stages_ahead"] < 0
    assert by_id["out-of-order"]["answer"]["out_of_order"]
    rep = next(s for s in scenarios if Kind.REP_ACTIVITY in s["kinds"])
    assert "is what the rep did" in " ".join(rep["answer"]["why"]["notes"])
    assert len(scenarios) >= 12


def test_the_same_process_gives_the_same_scenarios() -> None:
    process = load_process(ROOT / "process.yaml").process
    first = [scenario_json(s) for s in practice_scenarios(process)]
    again = [scenario_json(s) for s in practice_scenarios(load_process(ROOT / "process.yaml").process)]
    assert first == again


def test_changing_a_milestone_changes_the_affected_scenarios_and_their_answers(tmp_path: Path) -> None:
    original = (ROOT / "process.yaml").read_text(encoding="utf-8")
    before = {s.scenario.id: scenario_json(s) for s in practice_scenarios(load_process(ROOT / "process.yaml").process)}
    # Budget confirmation no longer expires, and gets a new id.
    changed = original.replace("      - id: budget-confirmed", "      - id: budget-approved").replace(
        "        evidence: An email or call notes from the budget owner stating the range or the funding process.\n        max_age_days: 120\n",
        "        evidence: An email or call notes from the budget owner stating the range or the funding process.\n",
    )
    assert changed.count("budget-approved") == 1 and "max_age_days: 120" not in changed
    path = tmp_path / "process.yaml"
    path.write_text(changed, encoding="utf-8")
    after = {s.scenario.id: scenario_json(s) for s in practice_scenarios(load_process(path).process)}
    mentions = [i for i, s in after.items() if "budget-approved" in json.dumps(s)]
    assert mentions and not any("budget-confirmed" in json.dumps(s) for s in after.values())
    assert any(before.get(i) != after[i] for i in mentions)
    unaffected = [i for i in before if i in after and "budget-confirmed" not in json.dumps(before[i])]
    assert unaffected and all(before[i] == after[i] for i in unaffected)


def test_a_rep_activity_written_without_a_full_stop_is_quoted_as_a_sentence(tmp_path: Path) -> None:
    # Enablement often lists activities as fragments ("Call the prospect"); the story still reads as sentences.
    path = tmp_path / "process.yaml"
    path.write_text(
        VALID.replace("    probability: 60\n", "    probability: 60\n    rep_activities: [Call the prospect]\n"),
        encoding="utf-8",
    )
    rep = next(s for s in practice_scenarios(load_process(path).process) if Kind.REP_ACTIVITY in s.scenario.kinds)
    assert rep.scenario.story.endswith(
        "The rep's latest note says: \u201cCall the prospect.\u201d The rep counts that as progress."
    )


@pytest.mark.parametrize(
    ("company", "first_customers"),
    [
        pytest.param(None, ["Contoso", "Fabrikam", "Northwind Traders"], id="no-company"),
        pytest.param("Fabrikam Health", ["Contoso", "Northwind Traders", "Tailspin Toys"], id="a-word-of-the-company"),
        pytest.param("CONTOSO", ["Fabrikam", "Northwind Traders", "Tailspin Toys"], id="in-other-case"),
        pytest.param("Woodgrove Toys", ["Contoso", "Fabrikam", "Northwind Traders"], id="later-names-left-out"),
    ],
)
def test_no_practice_customer_bears_the_sellers_own_name(
    company: str | None, first_customers: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "process.yaml"
    path.write_text(VALID + (f"company: {company}\n" if company else ""), encoding="utf-8")
    deals = [solved.scenario.deal["deal"] for solved in practice_scenarios(load_process(path).process)]
    assert deals[:3] == first_customers
    own = set((company or "").lower().split())
    assert not [deal for deal in deals if own & set(deal.lower().split())]


@pytest.mark.parametrize("name", NAMES)
def test_a_deal_through_a_stage_has_its_outcomes_dated_in_the_order_of_the_process(
    name: str, process_files: dict[str, Path]
) -> None:
    # An editor's practice deal had its trial passed on 17 February, before its criteria were agreed on the 22nd.
    process = load_process(process_files[name]).process
    order = [milestone.id for _, milestone in process.milestones()]
    through = [s for s in practice_scenarios(process) if s.scenario.kinds and s.scenario.kinds[0] == Kind.THROUGH]
    assert through
    for solved in through:
        answers = solved.scenario.deal["milestones"]
        dates = [answers[m]["date"] for m in order if m in answers and answers[m].get("met") and "date" in answers[m]]
        assert dates == sorted(dates), (solved.scenario.id, dates)


def test_a_deal_short_of_the_gate_is_told_as_already_moved_to_the_stage_the_crm_shows() -> None:
    # "Coho Winery is in the CRM as Closed Won. The rep … wants to move it on" read as if the deal could move past the last stage.
    solved = practice_scenarios(load_process(ROOT / "process.yaml").process)
    short = [s for s in solved if Kind.SHORT in s.scenario.kinds and Kind.REP_ACTIVITY not in s.scenario.kinds]
    assert short
    for item in short:
        claimed = item.assessment.claimed_stage
        assert claimed is not None
        assert "move it on" not in item.scenario.story
        assert item.scenario.story.startswith(
            f"{item.scenario.deal['deal']} is in the CRM as {claimed.name}. The rep moved it there on the outcomes below."
        ), item.scenario.story


def test_an_outcome_recorded_as_not_done_says_which_one_and_what_the_customer_must_do() -> None:
    # The contract is signed, yet the deal stays in Negotiating: the verdict must say that the signer never
    # confirmed the signing date, and what the customer does about it, not only "the customer has not done this yet".
    solved = practice_scenarios(load_process(ROOT / "process.yaml").process)
    held = next(s for s in solved if s.scenario.id == "not-met-in-negotiating")
    verdict = held.stage_verdict
    assert verdict.milestone_id == "signature-scheduled"
    assert "has not done this yet" not in verdict.text
    assert (
        "\u201cHas the signer confirmed when they will sign?\u201d is not: the rep recorded it as not done, so the "
        "customer must still do it: the signer confirms the signing date, or the contract is out for e-signature."
    ) in verdict.rule
    assert (
        "\u201cHas the customer signed the contract or issued a purchase order?\u201d is verified, but it does not "
        "move the deal on by itself: every milestone of Negotiating must be verified."
    ) in verdict.notes
    assert "has not done this yet" not in held.next_verdicts[0][0].text


def test_an_outcome_not_done_keeps_the_capital_of_a_german_customer_action() -> None:
    # German capitalises every noun: "Der Unterzeichner …" lowered would misspell it ("der" is right, but not
    # "partnermanagerin Frau Groß …"), so a process in German keeps its customer action as written.
    text = (ROOT / "process.yaml").read_text(encoding="utf-8")
    process = parse_process(text.replace("\nstages:\n", "\nlanguage: de\nstages:\n", 1).encode(), "de.yaml").process
    held = next(s for s in practice_scenarios(process) if s.scenario.id == "not-met-in-negotiating")
    assert "the customer must still do it: The signer confirms the signing date" in held.stage_verdict.rule


@pytest.mark.parametrize(
    ("text", "language", "continued"),
    [
        pytest.param("The customer replies.", "en", "the customer replies.", id="english"),
        pytest.param("The customer replies.", "en-GB", "the customer replies.", id="english-with-a-region"),
        pytest.param("CFO signs the order.", "en", "CFO signs the order.", id="english-acronym"),
        pytest.param(
            "Partnermanagerin Frau Groß bestätigt.", "de", "Partnermanagerin Frau Groß bestätigt.", id="german-noun"
        ),
        pytest.param("Der Partner bestätigt.", "de-CH", "Der Partner bestätigt.", id="german-with-a-region"),
        pytest.param("Le client confirme.", "fr", "le client confirme.", id="french"),
        pytest.param("El cliente confirma.", "es", "el cliente confirma.", id="spanish"),
        pytest.param("Iletişim kişisi onaylar.", "tr", "Iletişim kişisi onaylar.", id="turkish-dotless-i"),
    ],
)
def test_a_customer_action_continues_a_sentence_as_its_language_writes_it(
    text: str, language: str, continued: str
) -> None:
    assert lower_first(text, language) == continued


_FLAW_STATUS = {
    Kind.REP_ACTIVITY: Status.UNANSWERED,
    Kind.PLACEHOLDER: Status.NO_EVIDENCE,
    Kind.STALE: Status.STALE,
    Kind.UNDATED: Status.UNDATED,
    Kind.NOT_MET: Status.NOT_MET,
    Kind.FUTURE: Status.FUTURE_DATE,
    Kind.AWAITING_BUYER: Status.AWAITING_BUYER,
}


@pytest.mark.parametrize("name", NAMES)
def test_every_story_agrees_with_its_answer(name: str, process_files: dict[str, Path]) -> None:
    # An editor's Commercial milestone needed the buyer's confirmation: every deal "through" it stayed in Commercial,
    # "every outcome of the stages up to Procurement but one" was answered Commercial, and Closed Won was never an answer.
    process = load_process(process_files[name]).process
    for solved in practice_scenarios(process):
        scenario, assessment = solved.scenario, solved.assessment
        where = (scenario.id, scenario.story)
        flaws = [kind for kind in scenario.kinds if kind in _FLAW_STATUS]
        held = [r for r in assessment.milestones if r.holds_back and r.stage.id == solved.verified_stage.id]
        if flaws:
            # Short of the gate: the one flawed outcome holds the deal, for the reason the story tells.
            assert Kind.SHORT in scenario.kinds, where
            assert assessment.claimed_index == assessment.verified_index + 1, where
            assert [r.status for r in held] == [_FLAW_STATUS[flaws[0]]], where
        recorded = scenario.deal["milestones"]
        for result in assessment.milestones:
            answer = recorded.get(result.milestone.id)
            if result.status is Status.AWAITING_BUYER:
                assert Kind.AWAITING_BUYER in scenario.kinds and "has not answered" in scenario.story, where
            if result.milestone.id in scenario.buyer_confirmed:
                assert result.status is Status.VERIFIED, where
                assert f"\u201c{result.milestone.buyer_statement}\u201d" in scenario.story, where
            elif not flaws and isinstance(answer, dict) and answer.get("met"):
                assert result.status is Status.VERIFIED, where  # nothing in the story says anything is wrong
        told = re.search(r"every outcome of the stages up to (.+?) but one", scenario.story)
        if told:
            named = next(index for index, s in enumerate(process.stages) if s.name == told.group(1))
            assert assessment.verified_index > named, where


def test_a_milestone_awaiting_the_buyer_is_practised_where_the_process_has_one(process_files: dict[str, Path]) -> None:
    solved = practice_scenarios(load_process(process_files["confirmed-4x1"]).process)
    waiting = [s for s in solved if Kind.AWAITING_BUYER in s.scenario.kinds]
    assert len(waiting) == 1
    assert "waiting for the buyer" in waiting[0].stage_verdict.rule
    confirmed = [s for s in solved if s.scenario.buyer_confirmed]
    assert confirmed
    assert all("confirmed by the buyer" in " ".join(a for _, _, a in recorded_outcomes(s)) for s in confirmed)


_SEGMENTED = VALID.replace("    name: Talking\n", "    name: Commercial\n").replace(
    "        evidence: The customer's reply email.\n",
    "        evidence: The customer's reply email.\n        required_when: {segment: [Enterprise, Public Sector]}\n",
)
_HAND_WRITTEN_SEGMENT = """\
practice:
  scenarios:
    - id: own-segment
      story: A deal of ours.
      deal: {deal: Litware, claimed_stage: talking, as_of: 2027-03-01, segment: Channel Partners}
      answer: {verified_stage: won}
"""


@pytest.mark.parametrize(
    ("text", "segment"),
    [
        pytest.param(_SEGMENTED, "SMB", id="not-a-stage-name"),
        pytest.param(_SEGMENTED + _HAND_WRITTEN_SEGMENT, "Channel Partners", id="the-process-own-segment"),
    ],
)
def test_a_practice_deal_segment_is_never_a_name_of_the_process(text: str, segment: str, tmp_path: Path) -> None:
    # An editor's process has a stage named Commercial; a practice deal was "in the Commercial segment".
    path = tmp_path / "process.yaml"
    path.write_text(text, encoding="utf-8")
    solved = practice_scenarios(load_process(path).process)
    segments = [
        s.scenario.deal["segment"] for s in solved if "segment" in s.scenario.deal and not s.scenario.hand_written
    ]
    assert segments == [segment]
    assert not [s for s in solved if "Commercial segment" in s.scenario.story]


_ALTERNATIVES = VALID.replace(
    "        evidence: The customer's reply email.\n",
    "        evidence: The customer's reply email.\n"
    "        required_when:\n          - amount_at_least: 50000\n          - segment: [Enterprise]\n",
)


def test_a_deal_not_required_of_alternatives_meets_none_of_them(tmp_path: Path) -> None:
    # A deal left out by its amount alone has no segment, so is in every segment: Enterprise needs the milestone.
    path = tmp_path / "process.yaml"
    path.write_text(_ALTERNATIVES, encoding="utf-8")
    solved = practice_scenarios(load_process(path).process)
    left_out = [s for s in solved if Kind.NOT_REQUIRED in s.scenario.kinds]
    assert [s.scenario.id for s in left_out] == ["not-required-in-talking"]
    (scenario,) = left_out
    assert scenario.scenario.deal["amount"] < 50000 and scenario.scenario.deal["segment"] != "Enterprise"
    assert "The deal is worth 25,000, in the" in scenario.scenario.story
    assert [r.required for r in scenario.assessment.milestones if r.milestone.id == "pain-confirmed"] == [False]
