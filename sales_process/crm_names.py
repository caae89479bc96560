"""The column names CRMs give the audit's own fields, read without a mapping; and their system fields.

Salesforce (report labels and API names), HubSpot (labels and internal names), Dynamics 365,
Pipedrive, Bitrix24, Zoho CRM (labels and API names), Odoo, Freshsales, Copper, Insightly, Close (its
opportunity export's field names) and the widely used sample sales-pipeline dataset name a deal, its id, stage,
amount, currency, owner, status, close date, Salesforce's IsClosed/IsWon/IsDeleted flags and Odoo's Active in a few
standard ways. An export whose header holds one of these names is read without a `crm:` block,
and the audit says so once per column ("read 'StageName' as the stage (a name Salesforce uses)").

Within a field, names come in ranks: the best-ranked name present is read (an export with both
`Amount` and `Amount (converted)` is read from `Amount`); two names of the same rank present for
one field are ambiguous, and neither is read until one is mapped.

A CRM's export may write every deal field after a prefix (Pipedrive's "Deal - Title", "Deal - Pain Confirmed"):
EXPORT_PREFIXES, by which the labels `playbook crm-template` gives the milestone fields are read as such exports
write them (crm.standard_targets).

SYSTEM_WORDS name the fields every CRM adds (created, modified, contacted dates, contacts, price
lists, next steps …): a column named with them is never suggested as a milestone, whose evidence
it is not.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sales_process.vocabulary import name_key, plain_spellings

SALESFORCE, HUBSPOT, DYNAMICS, PIPEDRIVE, BITRIX, ZOHO, ODOO, FRESHSALES, COPPER, INSIGHTLY, CLOSE, SAMPLE = (
    "Salesforce",
    "HubSpot",
    "Dynamics 365",
    "Pipedrive",
    "Bitrix24",
    "Zoho CRM",
    "Odoo",
    "Freshsales",
    "Copper",
    "Insightly",
    "Close",
    "the sample sales-pipeline dataset",
)
IS_CLOSED, IS_WON, IS_ACTIVE, IS_DELETED = "is_closed", "is_won", "is_active", "is_deleted"
# Salesforce's IsClosed/IsWon pair, Odoo's Active (no: archived, as Odoo archives the deals it marks lost) and
# Salesforce's IsDeleted (yes: in the recycle bin, exported by Data Loader's Export All): read when present,
# never needed, in this order (a row's first flag that cannot be read is the one its reason names).
FLAG_FIELDS = (IS_CLOSED, IS_WON, IS_ACTIVE, IS_DELETED)
# The flags that may hold a status instead of yes or no (Odoo's Is Won: Won, Lost, Pending). Active and IsDeleted
# hold yes or no alone: read as a status, an "Active" cell would make a won deal open.
STATUS_FLAGS = (IS_CLOSED, IS_WON)
# The words a flag holds besides yes and no, as vocabulary.name_key spells them.
FLAG_WORDS: Mapping[str, Mapping[str, bool]] = {IS_ACTIVE: {"active": True, "inactive": False, "archived": False}}

# The words messages use for each field ("read 'StageName' as the stage").
FIELD_WORDS: Mapping[str, str] = {
    "deal": "the deal's name",
    "crm_id": "the CRM id",
    "stage": "the stage",
    "amount": "the amount",
    "currency": "the currency",
    "owner": "the owner",
    "segment": "the segment",
    "status": "the status (open, won, lost)",
    "close_date": "the close date",
    "lost_date": "the lost date (the close date of a lost deal)",
    IS_CLOSED: "whether the deal is closed",
    IS_WON: "whether the deal was won",
    IS_ACTIVE: "whether the deal is active, not archived",
    IS_DELETED: "whether the deal was deleted",
    "pipeline": "the pipeline",
}


@dataclass(frozen=True)
class KnownColumn:
    """A CRM's standard name for an audit field: the field, its rank (0 is best) and the CRMs that write it."""

    field: str
    rank: int
    crms: tuple[str, ...]

    def attribution(self, export_crm: str | None = None, configured: str | None = None) -> str:
        """Who writes the name: "a name Close uses" for the export's CRM when it writes it, else every CRM that
        does, "a name Pipedrive, Bitrix24 and Freshsales use" (the first alone would read as the CRM detected).
        With the CRM `configured` (crm.name), that CRM alone is named, or none: a monday.com export's 'Name' is
        not a name Freshsales uses to its reader."""
        if configured is not None:
            writer = next((crm for crm in self.crms if crm.casefold() == configured.strip().casefold()), None)
            return f"a name {writer} uses" if writer else "a name CRMs use"
        if export_crm in self.crms:
            return f"a name {export_crm} uses"
        *others, last = self.crms
        return f"a name {', '.join(others)} and {last} use" if others else f"a name {last} uses"


# field -> ranks -> (name, CRMs that write it)
_NAMES: Mapping[str, tuple[tuple[tuple[str, tuple[str, ...]], ...], ...]] = {
    "deal": (
        (
            ("Opportunity Name", (SALESFORCE, INSIGHTLY)),
            ("Name", (SALESFORCE, COPPER, FRESHSALES)),
            ("Deal Name", (HUBSPOT, BITRIX, ZOHO, FRESHSALES)),
            ("Deal_Name", (ZOHO,)),
            ("dealname", (HUBSPOT,)),
            ("Topic", (DYNAMICS,)),
            ("Deal - Title", (PIPEDRIVE,)),
            ("Title", (PIPEDRIVE,)),
            ("Deal title", (PIPEDRIVE,)),
            # Pipedrive in German: its export keeps the "Deal - " prefix before the German labels.
            ("Deal - Titel", (PIPEDRIVE,)),
            ("Titel", (PIPEDRIVE,)),
            ("lead_name", (CLOSE,)),  # an opportunity has no name of its own: its lead's (the company) names it
        ),
        (("Opportunity", (ODOO,)),),  # after Salesforce's Opportunity Name, which some of its reports hold too
    ),
    "crm_id": (
        (
            ("Opportunity ID", (SALESFORCE,)),
            ("Id", (SALESFORCE, BITRIX, CLOSE)),
            ("Record ID", (HUBSPOT, ZOHO, INSIGHTLY)),
            ("hs_object_id", (HUBSPOT,)),
            ("Deal ID", (HUBSPOT, PIPEDRIVE)),
            ("(Do Not Modify) Opportunity", (DYNAMICS,)),
            ("opportunityid", (DYNAMICS,)),
            ("Deal - ID", (PIPEDRIVE,)),
            ("opportunity_id", (SAMPLE,)),
        ),
    ),
    "stage": (
        (
            ("Stage", (SALESFORCE, PIPEDRIVE, BITRIX, ZOHO)),
            ("StageName", (SALESFORCE,)),
            ("Deal Stage", (HUBSPOT, FRESHSALES)),
            ("dealstage", (HUBSPOT,)),
            ("Pipeline Stage", (COPPER, INSIGHTLY)),
            ("Sales Stage", (DYNAMICS,)),
            ("Deal - Stage", (PIPEDRIVE,)),
            ("Deal - Phase", (PIPEDRIVE,)),  # Pipedrive in German
            ("Phase", (PIPEDRIVE,)),
            ("deal_stage", (SAMPLE,)),
            ("status_label", (CLOSE,)),  # Close's opportunity statuses are its stages
        ),
        (("Pipeline Phase", (DYNAMICS,)), ("stepname", (DYNAMICS,))),
    ),
    "amount": (
        (
            ("Amount", (SALESFORCE, HUBSPOT, ZOHO)),
            ("Est. Revenue", (DYNAMICS,)),
            ("Estimated Revenue", (DYNAMICS,)),
            ("estimatedvalue", (DYNAMICS,)),
            ("Deal - Value", (PIPEDRIVE,)),
            ("Deal - Wert", (PIPEDRIVE,)),  # Pipedrive in German
            ("Deal Value", (FRESHSALES,)),
            ("Bid Amount", (INSIGHTLY,)),
            ("Income", (BITRIX,)),
            ("close_value", (SAMPLE,)),
            # Close's value as its app shows it ("$12,500", "$500 monthly"): its `value` column is in cents.
            ("value_formatted", (CLOSE,)),
        ),
        (
            # Pipedrive's and Copper's value, read only without a better name: Close's `value` is in cents.
            ("Value", (PIPEDRIVE, COPPER)),
            ("Wert", (PIPEDRIVE,)),
            ("Amount (converted)", (SALESFORCE,)),
            ("Amount in company currency", (HUBSPOT,)),
            ("amount_in_home_currency", (HUBSPOT,)),
            # Odoo's deal value, read only without an Amount: Zoho CRM's column of that name is the amount
            # times the probability, beside its Amount.
            ("Expected Revenue", (ODOO,)),
        ),
    ),
    "currency": (
        (
            ("Opportunity Currency", (SALESFORCE,)),
            ("Amount Currency", (SALESFORCE,)),
            ("CurrencyIsoCode", (SALESFORCE,)),
            ("Currency", (HUBSPOT, DYNAMICS, PIPEDRIVE, BITRIX)),
            ("deal_currency_code", (HUBSPOT,)),
            ("Deal - Currency", (PIPEDRIVE,)),
            ("Deal - Währung", (PIPEDRIVE,)),  # Pipedrive in German
            ("Währung", (PIPEDRIVE,)),
            ("Bid Currency", (INSIGHTLY,)),
            ("transactioncurrencyid", (DYNAMICS,)),
            ("value_currency", (CLOSE,)),
        ),
        (("Amount (converted) Currency", (SALESFORCE,)),),
    ),
    "owner": (
        (
            ("Opportunity Owner", (SALESFORCE,)),
            ("Owner.Name", (SALESFORCE,)),
            ("Deal owner", (HUBSPOT, ZOHO)),
            ("Owner", (DYNAMICS, PIPEDRIVE)),
            ("Deal - Owner", (PIPEDRIVE,)),
            ("Deal - Besitzer", (PIPEDRIVE,)),  # Pipedrive in German
            ("Besitzer", (PIPEDRIVE,)),
            ("Responsible", (BITRIX,)),
            ("Responsible person", (BITRIX,)),
            ("sales_agent", (SAMPLE,)),
            ("Salesperson", (ODOO,)),
            ("Sales owner", (FRESHSALES,)),
            ("Owned By", (COPPER,)),
            ("User Responsible", (INSIGHTLY,)),
            ("user_name", (CLOSE,)),
        ),
        (
            ("OwnerId", (SALESFORCE,)),
            ("Opportunity Owner ID", (SALESFORCE,)),
            ("hubspot_owner_id", (HUBSPOT,)),
            ("ownerid", (DYNAMICS,)),
        ),
    ),
    "status": (
        (
            ("Status", (DYNAMICS, PIPEDRIVE, COPPER)),
            ("Deal - Status", (PIPEDRIVE,)),
            ("statecode", (DYNAMICS,)),
            ("Opportunity State", (INSIGHTLY,)),
            ("Current State", (INSIGHTLY,)),  # the label of its opportunity page
            ("status_type", (CLOSE,)),  # active, won or lost
        ),
        (("Status Reason", (DYNAMICS,)), ("statuscode", (DYNAMICS,))),
    ),
    # The audit reads a close date only on a closed deal: the day it closed comes before the day it was expected to.
    "close_date": (
        (
            ("Close Date", (SALESFORCE, HUBSPOT, COPPER)),
            ("CloseDate", (SALESFORCE,)),
            ("closedate", (HUBSPOT,)),
            ("Actual Close Date", (DYNAMICS, INSIGHTLY)),
            ("actualclosedate", (DYNAMICS,)),
            ("Deal - Deal closed on", (PIPEDRIVE,)),
            ("Deal closed on", (PIPEDRIVE,)),
            ("Closing Date", (ZOHO,)),
            ("Closing_Date", (ZOHO,)),
            ("Closed Date", (ODOO, FRESHSALES)),  # set when the opportunity is won or lost
            ("date_won", (CLOSE,)),
        ),
        # Pipedrive's day a deal was won, after its Deal closed on (any outcome's), which some exports hold too; its
        # lost deals' day is their Lost time (lost_date).
        (("Deal - Won time", (PIPEDRIVE,)), ("Won time", (PIPEDRIVE,))),
        (
            ("Est. Close Date", (DYNAMICS,)),
            ("Estimated Close Date", (DYNAMICS,)),
            ("estimatedclosedate", (DYNAMICS,)),
            ("Deal - Expected close date", (PIPEDRIVE,)),
            ("Expected close date", (PIPEDRIVE, BITRIX, FRESHSALES)),
            # Pipedrive in German; its form says "Voraussichtliches", exports seen say "Erwartetes".
            ("Deal - Erwartetes Abschlussdatum", (PIPEDRIVE,)),
            ("Erwartetes Abschlussdatum", (PIPEDRIVE,)),
            ("Deal - Voraussichtliches Abschlussdatum", (PIPEDRIVE,)),
            ("Voraussichtliches Abschlussdatum", (PIPEDRIVE,)),
            ("Forecast Close Date", (INSIGHTLY,)),
            ("Expected Closing", (ODOO,)),
        ),
    ),
    # Close keeps the day an opportunity was won and the day one was lost in two columns, as Pipedrive does.
    "lost_date": ((("date_lost", (CLOSE,)), ("Deal - Lost time", (PIPEDRIVE,)), ("Lost time", (PIPEDRIVE,))),),
    IS_CLOSED: (
        (
            ("IsClosed", (SALESFORCE,)),
            ("Closed", (SALESFORCE, BITRIX)),
            ("hs_is_closed", (HUBSPOT,)),
            ("Is Deal Closed?", (HUBSPOT,)),
            ("Is Closed", (HUBSPOT,)),
        ),
    ),
    IS_WON: (
        (
            ("IsWon", (SALESFORCE,)),
            ("Won", (SALESFORCE,)),
            ("hs_is_closed_won", (HUBSPOT,)),
            ("Is Closed Won", (HUBSPOT,)),
            ("Is Won", (HUBSPOT, ODOO)),  # Odoo's holds a status (Won, Lost, Pending): OutcomeRule.flag_reading
        ),
    ),
    IS_ACTIVE: ((("Active", (ODOO,)),),),  # Odoo's "Archived" filter exports its lost deals with Active false
    IS_DELETED: ((("IsDeleted", (SALESFORCE,)),),),  # Data Loader's Export All holds the recycle bin's records
}


def _known_columns() -> dict[str, KnownColumn]:
    """Every name by name_key: CloseDate (Salesforce) and closedate (HubSpot) are one name written by both."""
    known: dict[str, KnownColumn] = {}
    for field, ranks in _NAMES.items():
        for rank, names in enumerate(ranks):
            for name, crms in names:
                key = name_key(name)
                before = known.get(key)
                merged = crms if before is None else before.crms + tuple(c for c in crms if c not in before.crms)
                known[key] = KnownColumn(field, rank, merged)
    return known


KNOWN_COLUMNS: Mapping[str, KnownColumn] = _known_columns()


def standard_names(field: str) -> tuple[str, ...]:
    """The CRMs' standard names of an audit field, best rank first: what a message says it looked for."""
    return tuple(name for names in _NAMES.get(field, ()) for name, _ in names)


# The prefix a CRM's export writes before the label of every field of its deals, its own fields and those an admin
# added alike ("Deal - Title", "Deal - Pain Confirmed"): a field's label is read with it as it is without it.
EXPORT_PREFIXES: Mapping[str, str] = {PIPEDRIVE: "Deal - "}


def export_spellings(label: str) -> tuple[str, ...]:
    """A field's label as the CRMs' exports write it: 'Pain Confirmed' and Pipedrive's 'Deal - Pain Confirmed'."""
    return (label, *(prefix + label for prefix in EXPORT_PREFIXES.values()))


def without_export_prefix(name: str) -> str:
    """A column's name without the prefix its CRM's export writes: 'Deal - Next Step' -> 'Next Step'."""
    return _EXPORT_PREFIX.sub("", name.strip(), count=1)


_EXPORT_PREFIX = re.compile(
    "|".join(rf"^{re.escape(prefix.rstrip(' -'))}\s+-\s+(?=\S)" for prefix in EXPORT_PREFIXES.values()), re.IGNORECASE
)


# The columns of a stage-history report (`playbook backtest --history`, one row per deal and stage change),
# tried in this order where crm.history does not name them: the audit's own names, then Salesforce's
# Opportunity History report (labels) and OpportunityHistory object (API names), HubSpot's and Zoho's (its stage
# history's Modified Time).
# The deal is its CRM id before its name, as the export's rows are keyed.
HISTORY_NAMES: Mapping[str, tuple[str, ...]] = {
    "deal": (
        "deal",
        "crm_id",
        "Opportunity ID",
        "OpportunityId",
        "Record ID",
        "Deal ID",
        "Opportunity Name",
        "Deal Name",
    ),
    "stage": ("stage", "To Stage", "StageName", "Stage Name", "Deal Stage", "Stage"),
    # A field-history report's column naming the field that changed: Salesforce's Opportunity Field History
    # report (labels) and OpportunityFieldHistory object (API names), or a property-history layout.
    "field": ("field", "Field / Event", "Field/Event", "Property", "Property Name"),
    "date": (
        "date",
        "Last Modified",
        "Last Modified Date",
        "LastModifiedDate",
        "Edit Date",
        "CreatedDate",
        "Created Date",
        "Modified Time",
    ),
}


# In a field-history report, the column holding the stage a row moved the deal to, tried after the stage
# names above, and the names its field column gives a stage change.
CHANGED_VALUE_NAMES = ("New Value", "NewValue")
STAGE_FIELD_NAMES = ("Stage", "Stage Name", "StageName", "Deal Stage", "dealstage")
# The column holding the stage a row moved the deal from (Salesforce's Opportunity History; a field-history
# report's old value): it orders one day's changes when the history gives no time.
FROM_STAGE_NAMES = ("from_stage", "From Stage", "FromStage", "Previous Stage")
CHANGED_FROM_NAMES = ("Old Value", "OldValue")
# A field-history report's field column on the row of a deal's creation (Salesforce's OpportunityFieldHistory
# writes `created`, its report `Created.`): the day the deal was created, with the stage its first change left.
CREATED_FIELD_NAMES = ("created", "Created.", "Opportunity Created", "Deal Created", "Deal created")
# The export's column of the day each deal was created (Salesforce, HubSpot, Zoho, Pipedrive, Odoo).
CREATED_DATE_NAMES = (
    "created_date",
    "Created Date",
    "CreatedDate",
    "Create Date",
    "createdate",
    "Created Time",
    "Deal created",
    "Deal - Deal created",
    "Created on",
    "create_date",
)


# The column naming a deal's pipeline (HubSpot's, Copper's and Insightly's Pipeline, Pipedrive's Deal - Pipeline,
# Freshsales' Deal pipeline, Close's pipeline_name), unless crm.columns.pipeline names another: read for
# crm.pipelines (--pipeline), counted to warn of an export of several read whole, and said with the deals whose
# stage names the process does not know.
PIPELINE_NAMES = ("Pipeline", "Deal - Pipeline", "Deal Pipeline", "pipeline_name")


# A CRM's name that another CRM writes with another meaning: not read as its field from that CRM's export
# (recognised_crm), with why and what to read instead. Close's `value` is in cents (9000000 for $90,000.00).
OTHER_MEANINGS: Mapping[str, tuple[str, str]] = {
    name_key("value"): (
        CLOSE,
        "Close writes it in cents (9000000 for $90,000.00), so every amount would read 100 times too large; export "
        "Close's value_formatted column with it (its value as the app shows it, read as the amount), or map a "
        'column of whole amounts with --column "NAME=amount" (crm.columns.amount)',
    ),
}


@dataclass(frozen=True)
class PeriodColumn:
    """A column saying over which period a deal's value counts: its CRM, the word of a one-off value as the CRM writes
    it, and how the deal's whole value is had from a value per period (None: per year, RECURRING_WORDS)."""

    crm: str
    one_off: str
    whole_value: str | None = None


# The columns saying a deal's value is per period (Close's value_period: one_time, monthly, annual; Insightly's
# Bid Type: Fixed Bid, Per Hour, Per Month, Per Year), by name_key: a value per period is not the deal's whole value,
# so the audit and the SQL refuse the amount of a row whose period is not one-off (ONE_OFF_PERIODS).
PERIOD_COLUMNS: Mapping[str, PeriodColumn] = {
    name_key("value_period"): PeriodColumn(CLOSE, "one_time"),
    name_key("Bid Type"): PeriodColumn(
        INSIGHTLY, "Fixed Bid", "the Bid Amount times the Bid Duration (the number of periods the bid runs)"
    ),
}
# A period cell that says the value is the deal's whole value, as vocabulary.label_key spells it; blank says so too.
ONE_OFF_PERIODS = frozenset({"one_time", "one-time", "one time", "fixed bid", "fixed"})


def _crm_counts(found: list[KnownColumn]) -> dict[str, int]:
    """How many of the names found each CRM writes."""
    counts: dict[str, int] = {}
    for known in found:
        for crm in known.crms:
            counts[crm] = counts.get(crm, 0) + 1
    return counts


def most_likely_crm(read: list[KnownColumn]) -> str | None:
    """The CRM that writes most of the names read: the one to name when a name is written by several."""
    counts = _crm_counts(read)
    return max(counts, key=lambda crm: counts[crm]) if counts else None


def writer_of_all(read: list[KnownColumn]) -> str | None:
    """The one CRM that writes every name read: the header is that CRM's export. None when none or several do (an
    export whose one known name is "Expected Close Date" is no more Pipedrive's than Bitrix24's or SugarCRM's)."""
    writers = [crm for crm, count in _crm_counts(read).items() if count == len(read)]
    return writers[0] if len(writers) == 1 else None


def recognised_crm(found: list[KnownColumn]) -> str | None:
    """The CRM whose export the header is: the one writing more of the names found than any other; None on a tie."""
    ranked = sorted(_crm_counts(found).values(), reverse=True)
    return most_likely_crm(found) if ranked and (len(ranked) == 1 or ranked[0] > ranked[1]) else None


# Words of the fields every CRM adds on its own: dates it stamps, people and records it links, its own
# forecasting. A column named with one is not a milestone's evidence, so it is never suggested as one.
SYSTEM_WORDS = frozenset(
    {
        "created",
        "create",
        "createdate",
        "createddate",
        "createdbyid",
        "modified",
        "lastmodifieddate",
        "lastmodifiedbyid",
        "modstamp",
        "systemmodstamp",
        "contacted",
        "contact",
        "contacts",
        "activity",
        "lastactivitydate",
        "price",
        "pricebook",
        "pricebook2id",
        "list",
        "step",
        "nextstep",
        "viewed",
        "referenced",
        "checksum",
        "deleted",
        "isdeleted",
        "updated",
        "last",
        "account",
        "accountid",
        "company",
        "fiscal",
        "forecast",
        "forecastcategory",
        "probability",
        "campaign",
        "source",
        "leadsource",
        "age",
        "description",
        "type",
        "pipeline",
        "modify",
        "rating",
        "customer",
        "email",
        "phone",
        "quantity",
        "line",
        "item",
        "items",
        "ownerid",
    }
)


def column_words(name: str) -> list[str]:
    """A column name's words, lower case, in plain letters: 'LastModifiedDate' -> ['last', 'modified', 'date'],
    'Problem bestätigt' -> ['problem', 'bestaetigt'] (column_spellings' first)."""
    return column_spellings(name)[0]


def column_spellings(name: str) -> tuple[list[str], ...]:
    """A column name's words in each plain spelling (vocabulary.plain_spellings): German's ä, ö, ü as ae, oe, ue,
    then, when it differs, every accent dropped ('Budget bestätigt': budget bestaetigt, then budget bestatigt), so
    that a milestone id written either way is found."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return tuple(re.findall(r"[a-z0-9]+", plain) for plain in plain_spellings(name_key(spaced)))


def is_system_field(name: str) -> bool:
    """Whether the column is one every CRM adds (created/modified/contacted dates, contact, price list, next step …)."""
    return any(word in SYSTEM_WORDS for word in column_words(name)) or name_key(name) in SYSTEM_WORDS


def known_column(name: str) -> KnownColumn | None:
    """The audit field a CRM's standard column name holds, or None."""
    return KNOWN_COLUMNS.get(name_key(name))
