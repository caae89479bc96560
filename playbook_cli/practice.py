"""`playbook practice`: the Practice scenarios with their deals and the engine's answers."""

from __future__ import annotations

import argparse
import json

from playbook_cli.common import EXIT_INVALID, EXIT_OK, HelpFormatter, add_process_option, load_or_report
from sales_process.loader import LoadedProcess
from sales_process.practice import (
    SolvedScenario,
    evidence_question_text,
    practice_scenarios,
    recorded_outcomes,
    scenario_json,
)
from sales_process.vocabulary import plural

EXAMPLE = """examples:
  playbook practice                   every scenario: story, recorded outcomes, answers
  playbook practice --answer-key      a printable answer key for trainers
  playbook practice --json > practice.json

every deal in the JSON is a `playbook assess` input (with as_of); for example
  jq '.[0].deal' practice.json > deal.json && playbook assess deal.json --json
gives the scenario's answer.verified_stage as its verified_stage and answer.next_milestones as its next"""


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the practice command."""
    parser = commands.add_parser(
        "practice", help="print the practice scenarios and their answers", epilog=EXAMPLE, formatter_class=HelpFormatter
    )
    add_process_option(parser)
    output = parser.add_mutually_exclusive_group()
    output.add_argument("--json", action="store_true", help="print a JSON list of scenarios (id, story, deal, answer)")
    output.add_argument(
        "--answer-key", action="store_true", help="print a short answer key to hand out after a session"
    )
    parser.set_defaults(run=run)


def _stage_name(solved: SolvedScenario) -> str:
    stage = solved.verified_stage
    return f"{stage.name} ({stage.probability}%)"


def _next_text(solved: SolvedScenario) -> list[str]:
    if not solved.next_milestones:
        return ["nothing: every milestone is verified"]
    return [
        ("one of: " if len(members) > 1 else "")
        + "; or ".join(f"{milestone.customer_action} [{milestone.id}]" for milestone in members)
        for members in solved.next_alternatives
    ]


def _next_ids(solved: SolvedScenario) -> str:
    """`pain-confirmed, one of: sandbox-used or demo-attended`: a group's alternatives said as such."""
    return ", ".join(
        ("one of: " if len(members) > 1 else "") + " or ".join(milestone.id for milestone in members)
        for members in solved.next_alternatives
    )


def scenario_text(number: int, solved: SolvedScenario) -> str:
    """One scenario for reading: story, what was recorded, the questions and their answers."""
    scenario = solved.scenario
    verdict = solved.stage_verdict
    lines = [
        f"{number}. {scenario.title}  [{scenario.id}]",
        f"   {' '.join(scenario.story.split())}",
        f"   Recorded as of {solved.assessment.as_of.isoformat()}:",
    ]
    recorded = recorded_outcomes(solved)
    lines += [f"     - {milestone.id} ({stage.name}): {answer}" for stage, milestone, answer in recorded] or [
        "     (nothing)"
    ]
    lines += [
        "   Which stage is this deal verifiably in?",
        f"     {_stage_name(solved)}",
        f"     {verdict.text}",
        f"     Rule: {verdict.link}",
    ]
    lines += ["   What must the customer do next?", *(f"     - {line}" for line in _next_text(solved))]
    question = evidence_question_text(solved)
    evidence = solved.evidence_verdict
    if question is not None and evidence is not None:
        counts = "Yes" if solved.evidence_counts else "No"
        lines += [f"   {question}", f"     {counts}: {evidence.rule}", f"     Rule: {evidence.link}"]
    return "\n".join(lines)


def answer_key(loaded: LoadedProcess, solved: list[SolvedScenario]) -> str:
    """A compact key: one block of three or four lines per scenario."""
    process = loaded.process
    version = f" {process.version}" if process.version else ""
    lines = [f"Answer key: {process.name}{version} ({loaded.short_sha}), {plural(len(solved), 'scenario')}", ""]
    for number, item in enumerate(solved, 1):
        lines.append(f"{number:>2}. {item.scenario.title}  [{item.scenario.id}]")
        lines.append(f"    Stage: {_stage_name(item)}  -> {item.stage_verdict.link}")
        lines.append(f"    Next:  {_next_ids(item) or 'nothing'}")
        if item.evidence_counts is not None and item.evidence_verdict is not None:
            lines.append(
                f"    Evidence counts? {'yes' if item.evidence_counts else 'no'} ({item.evidence_verdict.milestone_id})"
            )
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the scenarios, the JSON or the answer key."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    solved = practice_scenarios(loaded.process)
    if args.json:
        print(json.dumps([scenario_json(item) for item in solved], ensure_ascii=False, indent=2))
    elif args.answer_key:
        print(answer_key(loaded, solved))
    else:
        print("\n\n".join(scenario_text(number, item) for number, item in enumerate(solved, 1)))
    return EXIT_OK
