"""`playbook crm-template`: the CRM fields to create for the process, the crm: block and a CSV header."""

from __future__ import annotations

import argparse
import io
from dataclasses import dataclass

import yaml

from playbook_cli.common import EXIT_INVALID, EXIT_OK, HelpFormatter, add_process_option, load_or_report
from sales_process.crm import BUYER_PART, CONFIRMED_BY_EXAMPLE, LABELLED_PARTS, field_label
from sales_process.model import Milestone, Process
from sales_process.requirement import process_segments
from sales_process.spreadsheet import safe_writer
from sales_process.vocabulary import plural

EXAMPLE = """examples:
  playbook crm-template --crm salesforce            fields, crm: block and CSV header for Salesforce
  playbook crm-template --crm hubspot --header-only > empty-export.csv

Without --crm the names come from the crm: block of process.yaml, else the standard
column names (deal, stage, amount, owner, <milestone-id>, <milestone-id>.evidence, ...).
With --crm, the audit reads that header as it comes; the crm: block it prints makes
`playbook sql` and `playbook dbt` read a warehouse table named that way too."""


# The deal fields every export needs a column for; a status and a close date are read when the CRM has them.
AUDIT_FIELDS = ("deal", "crm_id", "stage", "amount", "currency", "owner")


@dataclass(frozen=True)
class CrmStyle:
    """How one CRM names its standard columns and the field types to create."""

    name: str
    columns: dict[str, str]
    checkbox: str
    text: str
    date: str
    stages: tuple[str, ...]  # the CRM's default stage names, for the admin to map
    pipeline: str | None = None  # the CRM's default pipeline, when its exports hold every pipeline's deals


STYLES = {
    "salesforce": CrmStyle(
        "Salesforce",
        {
            "deal": "Opportunity Name",
            "crm_id": "Opportunity ID",
            "stage": "Stage",
            "amount": "Amount",
            "currency": "Opportunity Currency",
            "owner": "Opportunity Owner",
        },
        "Checkbox",
        "Text Area (255)",
        "Date",
        (
            "Prospecting",
            "Qualification",
            "Needs Analysis",
            "Value Proposition",
            "Id. Decision Makers",
            "Perception Analysis",
            "Proposal/Price Quote",
            "Negotiation/Review",
            "Closed Won",
        ),
    ),
    "hubspot": CrmStyle(
        "HubSpot",
        {
            "deal": "Deal Name",
            "crm_id": "Record ID",
            "stage": "Deal Stage",
            "amount": "Amount",
            "currency": "Currency",
            "owner": "Deal owner",
        },
        "Single checkbox",
        "Multi-line text",
        "Date picker",
        (
            "Appointment Scheduled",
            "Qualified To Buy",
            "Presentation Scheduled",
            "Decision Maker Bought-In",
            "Contract Sent",
            "Closed Won",
        ),
        "Sales Pipeline",
    ),
}


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the crm-template command."""
    parser = commands.add_parser(
        "crm-template",
        help="the CRM fields to create per milestone, and a CSV header the audit reads",
        epilog=EXAMPLE,
        formatter_class=HelpFormatter,
    )
    add_process_option(parser)
    parser.add_argument(
        "--crm", choices=sorted(STYLES), help="name the fields as this CRM does (default: process.yaml's crm: block)"
    )
    parser.add_argument("--header-only", action="store_true", help="print only the CSV header row")
    parser.set_defaults(run=run)


def audit_fields(process: Process) -> tuple[str, ...]:
    """The deal fields to export: the segment too when some milestone is required of some segments only."""
    return (*AUDIT_FIELDS, "segment") if process_segments(process.milestones()) else AUDIT_FIELDS


def _parts(milestone: Milestone) -> tuple[str, ...]:
    """A milestone's fields: its answer, evidence and date, and the buyer who confirmed it when only the buyer's word
    verifies it (`confirmation: required`): an export without that column leaves every such deal awaiting the buyer."""
    return (*LABELLED_PARTS, BUYER_PART) if milestone.confirmation == "required" else LABELLED_PARTS


def _standard_names(milestone: Milestone) -> dict[str, str]:
    """A milestone's columns as the audit names them without a mapping: its id, then id.part."""
    return {part: milestone.id if part == "met" else f"{milestone.id}.{part}" for part in _parts(milestone)}


def _names(process: Process, style: CrmStyle | None) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
    """The CRM column of each audit field and of each milestone part."""
    crm = process.crm
    if style is None and crm is not None:
        columns = {key: value for key, value in crm.columns.model_dump().items() if value}
        columns = {key: columns.get(key, key) for key in audit_fields(process)}
        milestones = {m.id: _standard_names(m) for _, m in process.milestones()}
        for milestone_id, fields in crm.milestones.items():
            mapped = fields.model_dump()
            standard = milestones[milestone_id]
            # every part the block maps, a confirmed_by too when the buyer's word is not required: the audit reads it
            milestones[milestone_id] = {
                part: mapped[part] or standard[part]
                for part in (*LABELLED_PARTS, BUYER_PART)
                if part in standard or mapped[part]
            }
        return columns, milestones
    if style is None:
        return (
            {key: key for key in audit_fields(process)},
            {m.id: _standard_names(m) for _, m in process.milestones()},
        )
    return (
        {**style.columns, "segment": "Segment"},
        {m.id: {part: field_label(m.id, part) for part in _parts(m)} for _, m in process.milestones()},
    )


def csv_header(process: Process, style: CrmStyle | None) -> str:
    """One CSV header row holding every column the audit reads."""
    columns, milestones = _names(process, style)
    names = [columns[key] for key in audit_fields(process)] + [
        name for parts in milestones.values() for name in parts.values()
    ]
    out = io.StringIO()
    safe_writer(out, lineterminator="\n").writerow(names)
    return out.getvalue().rstrip("\n")


def _yaml_text(text: str) -> str:
    """Plain when YAML reads it back unchanged, else double-quoted."""
    try:
        if yaml.safe_load(f"k: {text}") == {"k": text}:
            return text
    except yaml.YAMLError:
        pass
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def crm_block(process: Process, style: CrmStyle) -> str:
    """The crm: block of process.yaml that reads an export named in this CRM's style."""
    columns, milestones = _names(process, style)
    lines = ["crm:", f"  name: {_yaml_text(style.name)}", "  columns:"]
    for key in audit_fields(process):
        line = f"    {key}: {_yaml_text(columns[key])}"
        # Only a CRM set up for several currencies exports this column, and a mapped column the export lacks is
        # an error: the block leaves it to the admin.
        if key == "currency":
            line = f"    # {line.strip()}  # remove the # if the export has this column (a multi-currency {style.name})"
        lines.append(line)
    lines.append(f"  stage_names:  # {style.name}'s default stage names: remove the # of each and write its stage id")
    known = {stage.name.casefold() for stage in process.stages}
    lines += [f"    # {_yaml_text(name)}: STAGE-ID" for name in style.stages if name.casefold() not in known]
    if style.pipeline is not None:
        lines.append(
            f"  # pipelines: [{_yaml_text(style.pipeline)}]  # {style.name} exports every pipeline's deals: remove the # "
            "to read only this process's (its Pipeline column)"
        )
    lines.append("  milestones:")
    for milestone_id, parts in milestones.items():
        fields = ", ".join(f"{part}: {_yaml_text(name)}" for part, name in parts.items())
        lines.append(f"    {milestone_id}: {{{fields}}}")
    return "\n".join(lines)


def fields_text(process: Process, style: CrmStyle | None) -> str:
    """The fields to create, stage by stage: label, type and help text (the milestone's question)."""
    _, milestones = _names(process, style)
    kinds = (style.checkbox, style.text, style.date) if style else ("yes/no", "text", "date (YYYY-MM-DD)")
    crm = style.name if style else "your CRM"
    lines = [f"Fields to create in {crm} for {process.name}: one yes/no, one text and one date field per milestone."]
    if any(BUYER_PART in parts for parts in milestones.values()):
        lines.append("A milestone only the buyer's word verifies has a text field for the buyer who confirmed it too.")
    segments = process_segments(process.milestones())
    if segments:
        lines += [
            "",
            f"Deal field: the deal's segment, one of {', '.join(segments)} (some milestones are required of them only).",
        ]
    for stage in process.stages:
        if not stage.milestones:
            continue
        lines += ["", f"Stage: {stage.name}"]
        for milestone in stage.milestones:
            names = milestones[milestone.id]
            counts = f"; it counts for {plural(milestone.max_age_days, 'day')}" if milestone.max_age_days else ""
            evidence = "Name the evidence" if milestone.evidence_required else "Optional: name the evidence, if any"
            helps = [milestone.question, f"{evidence}: {milestone.evidence}", f"The date the customer did it{counts}."]
            kinds_here = list(kinds)
            if BUYER_PART in names:  # a text field: who confirmed it
                kinds_here.append(kinds[1])
                helps.append(
                    "The buyer who confirmed it through the playbook's confirmation link, as `playbook deals export` "
                    f"writes it ({CONFIRMED_BY_EXAMPLE}); only the buyer's word verifies this milestone."
                )
            for name, kind, help_text in zip(names.values(), kinds_here, helps, strict=True):
                lines.append(f"  {name}  [{kind}]")
                lines.append(f"      help text: {help_text}")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    """Print the fields, the crm: block (for a named CRM) and the CSV header."""
    loaded = load_or_report(args.process)
    if loaded is None:
        return EXIT_INVALID
    process = loaded.process
    style = STYLES[args.crm] if args.crm else None
    header = csv_header(process, style)
    if args.header_only:
        print(header)
        return EXIT_OK
    print(fields_text(process, style))
    if style is not None:
        print(
            f"\nAdd this block to {args.process} so that `playbook sql` and `playbook dbt` read a {style.name} table "
            "named this way (`playbook audit` reads its export as it comes):\n"
        )
        print(crm_block(process, style))
    print("\nA CSV header the audit reads:\n")
    print(header)
    return EXIT_OK
