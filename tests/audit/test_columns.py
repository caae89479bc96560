"""The header of a pipeline CSV: what is read, and every header the audit refuses."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from pipeline_audit.columns import NO_MILESTONE_COLUMNS, ColumnError, ColumnPlan, check_ignored, plan_columns
from sales_process.crm import AUDIT_FIELDS, MET, Target, resolve_mapping
from sales_process.crm_names import FIELD_WORDS
from sales_process.loader import LoadedProcess
from sales_process.model import Crm, CrmColumns


def plan(
    header: Sequence[str],
    process: LoadedProcess,
    ignore: Sequence[str] = (),
    columns: Sequence[tuple[str, Target]] = (),
) -> ColumnPlan:
    return plan_columns(header, process.process, resolve_mapping(process.process, columns, ignore=ignore))


def test_columns_are_matched_case_insensitively(default_process: LoadedProcess) -> None:
    columns = plan(["Deal", " STAGE ", "Amount", "owner", "Pain-Confirmed", "pain-confirmed.EVIDENCE"], default_process)
    assert (columns.deal, columns.stage, columns.amount, columns.owner) == (0, 1, 2, 3)
    assert [(m.milestone_id, m.answer, m.evidence, m.date) for m in columns.milestones] == [
        ("pain-confirmed", 4, 5, None)
    ]


def test_milestones_missing_from_the_export_are_listed(default_process: LoadedProcess) -> None:
    columns = plan(["deal", "pain-confirmed"], default_process)
    assert columns.missing[0] == "next-meeting-accepted" and "pain-confirmed" not in columns.missing
    assert len(columns.missing) == len(default_process.process.milestones()) - 1


def test_ignored_columns_are_left_out_and_unused_ignores_are_warned(default_process: LoadedProcess) -> None:
    columns = plan(
        ["deal", "stage", "Close Date", "region", "pain-confirmed"],
        default_process,
        ["close date", "Region", "Probability"],
    )
    assert columns.warnings == [
        "--ignore-column 'Probability': no such column in the file; check its spelling against the header, or remove it"
    ]


def test_a_column_left_out_in_the_crm_block_but_not_in_the_file_is_named_as_written_there(
    default_process: LoadedProcess,
) -> None:
    process = default_process.process.model_copy(update={"crm": Crm(ignore_columns=["Account Name", "Region"])})
    mapping = resolve_mapping(process, ignore=["Probability"])
    columns = plan_columns(["deal", "stage", "region", "pain-confirmed"], process, mapping)
    assert columns.warnings == [
        "crm.ignore_columns 'Account Name': no such column in the file; check its spelling against the header, "
        "or remove it",
        "--ignore-column 'Probability': no such column in the file; check its spelling against the header, or remove it",
    ]


@pytest.mark.parametrize(
    ("header", "hint"),
    [
        (["deal", "amount"], "map the export's column with --column NAME=stage or crm.columns.stage"),
        (
            ["Name", "Milestone", "Value"],  # Capsule's stages are its milestones
            "map the export's column (perhaps 'Milestone') with --column Milestone=stage or crm.columns.stage",
        ),
        (
            ["lead_name", "Etapa", "Sales Phase", "Current Step"],
            "map the export's column (perhaps 'Sales Phase' or 'Current Step') with --column \"Sales Phase=stage\" or crm.columns.stage",
        ),
    ],
)
def test_an_export_without_a_stage_column_is_warned_with_the_columns_that_may_hold_it(
    default_process: LoadedProcess, header: list[str], hint: str
) -> None:
    """Every deal would be without a claimed stage: a warning, not an error (the outcomes and amounts still add up)."""
    columns = plan_columns(header, default_process.process, resolve_mapping(default_process.process), no_evidence=True)
    assert columns.stage is None
    assert columns.warnings == [
        "the export has no 'stage' column, which holds the stage the CRM claims for each deal, so every deal is "
        f"without a claimed stage and none is compared with its verified stage; {hint} in process.yaml"
    ]


def test_a_mapped_column_is_read_under_its_crm_name(default_process: LoadedProcess) -> None:
    columns = plan(
        ["Opportunity Name", "Pain?"],
        default_process,
        columns=[("opportunity name", Target("deal")), ("PAIN?", Target("pain-confirmed", "met"))],
    )
    assert (columns.deal, [m.answer for m in columns.milestones]) == (0, [1])


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        (
            ["deal", "pricing-discused"],
            "column 2: unknown column 'pricing-discused'; did you mean 'pricing-discussed'? "
            "map it with --column pricing-discused=pricing-discussed or under crm.milestones.pricing-discussed in process.yaml, "
            "or leave it out with --ignore-column pricing-discused (crm.ignore_columns)",
        ),
        (["deal", "budget-confirmed.evidnce"], "did you mean 'budget-confirmed.evidence'?"),
        (["deal", "stage", "Stage"], "column 3 'Stage' repeats column 2; keep one of them"),
        (["stage", "amount"], "the header has no 'deal' column, which names each deal"),
        (
            ["deal", "demo-attended.date"],
            "column 2 'demo-attended.date' holds demo-attended's date but no column holds its yes/no answer",
        ),
        (["deal", "stage", "amount"], NO_MILESTONE_COLUMNS),
    ],
)
def test_header_errors(default_process: LoadedProcess, header: list[str], problem: str) -> None:
    with pytest.raises(ColumnError) as raised:
        plan(header, default_process)
    assert any(problem in message for message in raised.value.problems), raised.value.problems


@pytest.mark.parametrize(
    "header", [["deal", "Opportunity Name", "pain-confirmed"], ["Opportunity Name", "deal", "pain-confirmed"]]
)
def test_a_mapped_column_beats_one_with_the_fields_standard_name(
    default_process: LoadedProcess, header: list[str]
) -> None:
    """Mapped to deal, 'Opportunity Name' holds it: the column named deal is a column not read, wherever it is."""
    columns = plan(header, default_process, columns=[("Opportunity Name", Target("deal"))])
    assert columns.deal == header.index("Opportunity Name")
    assert columns.ignored == ("deal",)
    strict = resolve_mapping(default_process.process, [("Opportunity Name", Target("deal"))], strict_columns=True)
    with pytest.raises(ColumnError) as raised:
        plan_columns(header, default_process.process, strict)
    held = header.index("Opportunity Name") + 1
    assert raised.value.problems == [
        f"column {header.index('deal') + 1} 'deal' is not read: column {held} 'Opportunity Name' holds deal, as "
        "mapped; leave it out with --ignore-column deal (crm.ignore_columns)"
    ]


def test_a_crm_name_for_a_field_another_column_holds_is_a_column_not_read(default_process: LoadedProcess) -> None:
    """Salesforce's export of a multi-currency org has Amount and Amount (converted): the second is listed, not dropped."""
    columns = plan(["deal", "Amount", "Amount (converted)", "pain-confirmed"], default_process)
    assert columns.amount == 1
    assert columns.ignored == ("Amount (converted)",)


def test_no_milestone_columns_is_refused_in_the_issues_words(default_process: LoadedProcess) -> None:
    assert NO_MILESTONE_COLUMNS == (
        "this export has no milestone columns, so every deal would count as unverified; "
        "add the CRM fields from `playbook crm-template`, or map them under crm.milestones; "
        "to see the pipeline and its outcomes as the CRM has them, run it with --no-evidence"
    )


def test_every_header_error_is_reported_at_once(default_process: LoadedProcess) -> None:
    with pytest.raises(ColumnError) as raised:
        plan(["stge", "amount", "amount", "xyz"], default_process)
    # no deal, repeated amount, no milestone column; 'stge' and 'xyz' are only ignored (--strict-columns: errors)
    assert len(raised.value.problems) == 3


def test_a_column_mapped_and_left_out_is_refused(default_process: LoadedProcess) -> None:
    mapping = resolve_mapping(default_process.process, [("Betrag", Target("amount"))], ignore=["betrag", "region"])
    assert check_ignored(mapping) == [
        "'Betrag' is both mapped to amount (--column or crm.columns) and left out (--ignore-column or "
        "crm.ignore_columns); remove one of them"
    ]


def test_a_column_of_a_standard_name_left_out_is_not_read_and_said(default_process: LoadedProcess) -> None:
    """--ignore-column and crm.ignore_columns alike: a column bearing a field's standard name is left out as asked
    (not read, said in the summary), never read in silence nor refused."""
    mapping = resolve_mapping(default_process.process, ignore=["Currency", "pain-confirmed.date"])
    assert check_ignored(mapping) == []
    header = ["deal", "amount", "Currency", "pain-confirmed", "pain-confirmed.date"]
    columns = plan_columns(header, default_process.process, mapping)
    assert (columns.currency, [m.date for m in columns.milestones]) == (None, [None])
    assert columns.read_as == (
        "left out 'Currency' as asked (--ignore-column or crm.ignore_columns): not read as the currency",
        "left out 'pain-confirmed.date' as asked (--ignore-column or crm.ignore_columns): not read as "
        "pain-confirmed.date",
    )
    assert columns.ignored == ()


def test_odoos_names_are_read_and_zohos_expected_revenue_is_not_its_amount(default_process: LoadedProcess) -> None:
    """Odoo's CRM export: Opportunity, Expected Revenue, Salesperson, Expected Closing. Zoho CRM's Expected Revenue
    is its Amount times the probability: beside an Amount it is a column not read."""
    odoo = ["Opportunity", "Customer", "Stage", "Expected Revenue", "Salesperson", "Expected Closing", "pain-confirmed"]
    columns = plan(odoo, default_process)
    assert (columns.deal, columns.stage, columns.amount, columns.owner, columns.close_date) == (0, 2, 3, 4, 5)
    assert columns.read_as == (
        "read 'Opportunity' as the deal's name (a name Odoo uses)",
        "read 'Expected Revenue' as the amount (a name Odoo uses)",
        "read 'Salesperson' as the owner (a name Odoo uses)",
        "read 'Expected Closing' as the close date (a name Odoo uses)",
    )
    zoho = plan(["Deal Name", "Stage", "Amount", "Expected Revenue", "pain-confirmed"], default_process)
    assert zoho.amount == 2 and zoho.ignored == ("Expected Revenue",)
    # Salesforce's Opportunity Name beats Odoo's Opportunity, which some of Salesforce's reports also hold.
    assert plan(["Opportunity", "Opportunity Name", "pain-confirmed"], default_process).deal == 1


def test_a_name_read_says_which_crm_uses_it_not_which_crm_exported_it(default_process: LoadedProcess) -> None:
    """monday.com's board export holds names on other CRMs' lists: "(Pipedrive)" or "(Freshsales)" after each read as
    if the export were detected as that CRM's."""
    monday = ["Name", "Owner", "Deal Stage", "Deal Value", "Expected Close Date", "pain-confirmed", "Item ID"]
    assert plan(monday, default_process).read_as == (
        "read 'Name' as the deal's name (a name Freshsales uses)",
        "read 'Deal Stage' as the stage (a name Freshsales uses)",
        "read 'Deal Value' as the amount (a name Freshsales uses)",
        "read 'Expected Close Date' as the close date (a name Freshsales uses)",
    )


@pytest.mark.parametrize(("crm_name", "said"), [("monday.com", "a name CRMs use"), ("copper", "a name Copper uses")])
def test_with_the_crm_named_a_name_read_names_that_crm_or_none(
    default_process: LoadedProcess, crm_name: str, said: str
) -> None:
    """crm.name: monday.com: 'Name' is not "a name Freshsales uses" (a RevOps review); the CRM configured is named
    when it writes the name, in any case, else no CRM is."""
    process = default_process.process.model_copy(update={"crm": Crm(name=crm_name)})
    header = ["Name", "Owner", "Deal Stage", "Deal Value", "pain-confirmed"]
    read_as = plan_columns(header, process, resolve_mapping(process)).read_as
    assert read_as[0] == f"read 'Name' as the deal's name ({said})"
    assert all("Freshsales" not in said for said in read_as)


@pytest.mark.parametrize(
    ("header", "closed_on"),
    [
        (["Topic", "Sales Stage", "Est. Close Date", "Actual Close Date", "pain-confirmed"], "Actual Close Date"),
        (
            ["Deal - Title", "Deal - Expected close date", "Deal - Deal closed on", "pain-confirmed"],
            "Deal - Deal closed on",
        ),
        (["Deal - Title", "Deal - Expected close date", "pain-confirmed"], "Deal - Expected close date"),
        # Pipedrive's Won time (a won deal's close date) before the day it was expected to close; its Deal closed on
        # (any outcome's) before both.
        (
            ["Deal - Title", "Deal - Expected close date", "Deal - Won time", "Deal - Lost time", "pain-confirmed"],
            "Deal - Won time",
        ),
        (["Deal - Title", "Deal - Won time", "Deal - Deal closed on", "pain-confirmed"], "Deal - Deal closed on"),
    ],
)
def test_a_closed_deal_is_dated_by_the_day_it_closed_before_the_day_it_was_expected_to(
    default_process: LoadedProcess, header: list[str], closed_on: str
) -> None:
    """Dynamics 365 and Pipedrive export both dates: a closed deal's period is the one it closed in."""
    columns = plan(header, default_process)
    assert columns.close_date == header.index(closed_on)
    # Pipedrive's Lost time is a lost deal's close date, read where the close date's cell is blank (lost_date).
    assert columns.lost_date == (header.index("Deal - Lost time") if "Deal - Lost time" in header else None)
    assert [name for name in header if "lose" in name and name != closed_on] == list(
        name for name in columns.ignored if "lose" in name
    )


@pytest.mark.parametrize(
    ("header", "said"),
    [
        # SugarCRM's, no CRM of the list: the name is every CRM's that writes it, never one read as the CRM detected
        (
            ["deal", "Expected Close Date", "pain-confirmed"],
            "read 'Expected Close Date' as the close date (a name Pipedrive, Bitrix24 and Freshsales use)",
        ),
        # Bitrix24's: the one CRM that writes every name read is named
        (
            ["Deal Name", "Expected close date", "Income", "pain-confirmed"],
            "read 'Expected close date' as the close date (a name Bitrix24 uses)",
        ),
        (
            ["Opportunity", "Expected Revenue", "pain-confirmed"],
            "read 'Opportunity' as the deal's name (a name Odoo uses)",
        ),
    ],
)
def test_a_name_is_said_to_be_the_exports_crms_only_when_that_crm_writes_every_name_read(
    default_process: LoadedProcess, header: list[str], said: str
) -> None:
    assert said in plan(header, default_process).read_as


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("Deal - Proposal Agreed Next Step Notes", "proposal-agreed-next-step.evidence"),
        ("Deal - Proposal Agreed Next Step On", "proposal-agreed-next-step.date"),
    ],
)
def test_a_milestones_own_words_are_never_left_out_as_a_system_field(
    default_process: LoadedProcess, name: str, meant: str
) -> None:
    # "next step" names a CRM's own field, but these are proposal-agreed-next-step's: never dropped unsaid.
    header = ["deal", "stage", "pain-confirmed", name]
    with pytest.raises(ColumnError) as error:
        plan(header, default_process)
    assert f"did you mean {meant!r}?" in error.value.problems[0]


def test_no_milestone_columns_is_not_said_after_errors_offering_columns_as_milestones(
    default_process: LoadedProcess,
) -> None:
    # "this export has no milestone columns" right after errors saying "did you mean 'pain-confirmed'?" denied them.
    with pytest.raises(ColumnError) as error:
        plan(["deal", "stage", "Pain Confirmed?", "Budget Confirmed?"], default_process)
    assert NO_MILESTONE_COLUMNS not in error.value.problems
    assert error.value.problems[-1] == (
        "no column is read as a milestone yet, so every deal would count as unverified; the 2 columns above look "
        "like milestone columns: map them as said, or pass --no-evidence, which leaves them unread and verifies no deal"
    )


def test_a_column_that_holds_the_currency_is_offered_to_be_mapped_never_left_out(
    default_process: LoadedProcess,
) -> None:
    # Offered --ignore-column, a user took it, and EUR deals were summed as USD.
    with pytest.raises(ColumnError) as error:
        plan(["deal", "stage", "amount", "pain-confirmed", "Deal - Currency of Value"], default_process)
    assert error.value.problems == [
        "column 5: unknown column 'Deal - Currency of Value'; did you mean 'currency'? map it with --column "
        '"Deal - Currency of Value=currency" or under crm.columns in process.yaml (never leave it out: it says each '
        "deal's currency, and without it every amount is read in the file's first currency, a EUR deal's amount "
        "summed as USD)"
    ]


@pytest.mark.parametrize(
    ("header", "left_out", "warned"),
    [
        pytest.param(["Deal - Currency of Value"], "Deal - Currency of Value", True, id="a-name-with-its-word"),
        pytest.param(["Currency"], "Currency", True, id="its-standard-name"),
        pytest.param(["CurrencyIsoCode"], "CurrencyIsoCode", True, id="a-crms-name"),
        pytest.param(["currency", "Deal - Currency of Value"], "Deal - Currency of Value", False, id="another-read"),
    ],
)
def test_a_currency_column_left_out_warns_that_amounts_are_read_in_one_currency(
    default_process: LoadedProcess, header: list[str], left_out: str, warned: bool
) -> None:
    columns = plan(["deal", "stage", "amount", "pain-confirmed", *header], default_process, [left_out])
    warning = (
        f"{left_out!r} is left out (--ignore-column or crm.ignore_columns), but it says each deal's currency, and "
        "without it every amount is read in the file's first currency, a EUR deal's amount summed as USD; map it with "
        f"--column {_quoted(left_out + '=currency')} (crm.columns.currency) instead, unless every deal is in one currency"
    )
    assert (warning in columns.warnings) == warned


def _quoted(text: str) -> str:
    return f'"{text}"' if " " in text else text


def test_the_column_named_the_currency_of_the_amounts_is_read_as_the_currency(default_process: LoadedProcess) -> None:
    # Pipedrive's 'Deal - Currency of Value' was an unknown column, then (left out as offered) EUR summed as USD.
    header = ["Deal - Title", "Deal - Stage", "Deal - Value", "Deal - Currency of Value", "pain-confirmed"]
    columns = plan(header, default_process)
    assert columns.currency == 3
    assert "read 'Deal - Currency of Value' as the currency (its name says so of 'Deal - Value', the amount)" in (
        columns.read_as
    )
    # The currency of another column is not the amount's.
    with pytest.raises(ColumnError):
        plan(["deal", "stage", "amount", "Currency of Weighted value", "pain-confirmed"], default_process)


def test_a_milestones_columns_mistyped_are_each_offered_as_the_part_they_most_likely_hold(
    default_process: LoadedProcess,
) -> None:
    """'Pain Confirmd', 'Pain Confirmed Evidense' and 'Pain Confirmed Dat' were all offered as pain-confirmed, and
    following that advice gave 'pain-confirmed is mapped to both …'; each is one part, and the advice works."""
    header = ["deal", "stage", "amount", "Pain Confirmd", "Pain Confirmed Evidense", "Pain Confirmed Dat"]
    with pytest.raises(ColumnError) as error:
        plan(header, default_process)
    offered = [problem.split("; did you mean ")[1].split("?")[0] for problem in error.value.problems[:3]]
    assert offered == ["'pain-confirmed'", "'pain-confirmed.evidence'", "'pain-confirmed.date'"]
    mapped = [
        (name, Target("pain-confirmed", part)) for name, part in zip(header[3:], (MET, "evidence", "date"), strict=True)
    ]
    followed = plan(header, default_process, columns=mapped)
    assert followed.milestones[0].answer == 3 and followed.milestones[0].evidence == 4
    assert followed.milestones[0].date == 5


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        pytest.param(
            ["deal", "stage", "Pain", "Pain Confirmd"],
            "column 4: unknown column 'Pain Confirmd'; it looks like 'pain-confirmed', but column 3 holds it, as "
            'mapped, and a field is read from one column only: leave this one out with --ignore-column "Pain Confirmd" '
            '(crm.ignore_columns), or map it with --column "Pain Confirmd=FIELD" to the field it holds',
            id="held-by-a-column-mapped",
        ),
        pytest.param(
            ["deal", "stage", "Pain Confirmd", "Pain Confirmt"],
            "column 4: unknown column 'Pain Confirmt'; it looks like 'pain-confirmed', but it is offered for column 3,",
            id="offered-to-a-column-before",
        ),
    ],
)
def test_a_field_is_never_offered_to_a_second_column(
    default_process: LoadedProcess, header: list[str], problem: str
) -> None:
    """Offered to both, a field is then mapped twice, which is refused ('keep one'): advice that fails when followed."""
    with pytest.raises(ColumnError) as error:
        plan(header, default_process, columns=[("Pain", Target("pain-confirmed", MET))])
    assert any(message.startswith(problem) for message in error.value.problems), error.value.problems
    assert sum("did you mean 'pain-confirmed'?" in message for message in error.value.problems) <= 1


@pytest.mark.parametrize("where", ["crm.columns", "--column"])
@pytest.mark.parametrize("field_name", AUDIT_FIELDS)
def test_every_field_mapped_to_a_column_the_export_lacks_is_an_error_with_a_did_you_mean(
    default_process: LoadedProcess, field_name: str, where: str
) -> None:
    """One rule for every crm.columns key: a mapping is never dropped for a column of the field's standard or a CRM's
    name (a misspelt `deal: Nmae` beside Freshsales' 'Name' and its 'Deal ID' was once read as 'Name' in silence)."""
    column = f"Our {field_name.replace('_', ' ')} field"
    typo = f"Our {field_name.replace('_', ' ')} feild"
    process = default_process.process
    if where == "crm.columns":
        process = process.model_copy(update={"crm": Crm(columns=CrmColumns(**{field_name: typo}))})
    mapping = resolve_mapping(process, [(typo, Target(field_name))] if where == "--column" else [])
    with pytest.raises(ColumnError) as raised:
        plan_columns(["Name", "Deal ID", "Stage", column, "pain-confirmed"], process, mapping)
    assert (
        f"the export has no column {typo!r}, mapped to {field_name} (crm.columns.{field_name} or --column); "
        f"did you mean {column!r}? map the column that holds {FIELD_WORDS[field_name]}, "
        "or remove the mapping"
    ) in raised.value.problems


def test_a_mapped_column_the_export_lacks_offers_no_column_mapped_to_another_field(
    default_process: LoadedProcess,
) -> None:
    """'Deal Value' holds the amount as mapped: it is not offered for 'Deal Valu', mapped to the deal."""
    mapping = resolve_mapping(
        default_process.process, [("Deal Valu", Target("deal")), ("Deal Value", Target("amount"))]
    )
    with pytest.raises(ColumnError) as raised:
        plan_columns(["Deal Value", "pain-confirmed"], default_process.process, mapping)
    assert raised.value.problems[0] == (
        "the export has no column 'Deal Valu', mapped to deal (crm.columns.deal or --column); "
        "map the column that holds the deal's name, or remove the mapping"
    )
