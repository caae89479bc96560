"""A monday.com board exported group by group, as the audit meets it: the board's title, then each group's title,
the header, its items and, under them, the group's summary row (the name blank, the sum of its Deal Value)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

Row = list[object]

HEADER: Row = [
    "Name",
    "Owner",
    "Deal Stage",
    "Deal Value",
    "Expected Close Date",
    "pain-confirmed",
    "pain-confirmed.evidence",
    "pain-confirmed.date",
    "next-meeting-accepted",
    "next-meeting-accepted.evidence",
    "next-meeting-accepted.date",
]
MET = ["yes", "Invite accepted", "2027-02-25"]
NOT_MET = ["no", "", ""]
UNANSWERED = ["", "", ""]
OPEN, CLOSED = "2027-04-30", "2026-11-30"  # closed in the past: the import refuses a close date after today
GROUPS: dict[str, list[Row]] = {
    "Active Deals": [
        ["Acme", "Ana", "Discovery", 12000, OPEN, "yes", "Recap email 3 Feb", "2027-02-03", *NOT_MET],
        ["Beta", "Ben", "Qualifying", 8000, OPEN, "yes", "Call notes", "2027-02-10", *MET],
        ["Gamma", "Ana", "Discovery", 5000, OPEN, *NOT_MET, *NOT_MET],
        ["Delta", "Cleo", "Demonstrating", 30000, OPEN, "yes", "CFO reply", "2027-01-20", *MET],
        ["Epsilon", "Ben", "Proposing", 45000, OPEN, *UNANSWERED, *UNANSWERED],
        ["Zeta", "Cleo", "Qualifying", 7000, OPEN, "yes", "Email", "2027-02-15", *NOT_MET],
    ],
    "Negotiation": [
        ["Eta", "Ana", "Negotiating", 60000, OPEN, "yes", "Signed recap", "2027-01-05", *MET],
        ["Theta", "Ben", "Negotiating", 25000, OPEN, "yes", "Email thread", "2027-01-12", *MET],
        ["Iota", "Cleo", "Proposing", 18000, OPEN, *NOT_MET, *MET],
        ["Kappa", "Ana", "Negotiating", 9500, OPEN, "yes", "Meeting notes", "2027-02-01", *NOT_MET],
        ["Lambda", "Ben", "Proposing", 14000, OPEN, "yes", "Call 4 Feb", "2027-02-04", *MET],
        ["Mu", "Cleo", "Negotiating", 22000, OPEN, *UNANSWERED, *UNANSWERED],
        ["Nu", "Ana", "Proposing", 3500, OPEN, "yes", "Email", "2027-02-20", *NOT_MET],
        ["Xi", "Ben", "Negotiating", 41000, OPEN, "yes", "PO draft", "2027-02-22", *MET],
    ],
    "Closed": [
        ["Omicron", "Ana", "Closed Won", 50000, CLOSED, "yes", "Contract", "2026-11-10", *MET],
        ["Pi", "Ben", "Closed Lost", 20000, CLOSED, *NOT_MET, *NOT_MET],
        ["Rho", "Cleo", "Closed Won", 15000, CLOSED, "yes", "Contract", "2026-11-01", *MET],
        ["Sigma", "Ana", "Closed Won", 8000, CLOSED, "yes", "Contract", "2026-11-11", *MET],
        ["Tau", "Ben", "Closed Lost", 12000, CLOSED, *UNANSWERED, *UNANSWERED],
    ],
}
DEALS = 19
# Summed by hand: 12,000 + 8,000 + 5,000 + 30,000 + 45,000 + 7,000 = 107,000 (Active Deals), 60,000 + 25,000 +
# 18,000 + 9,500 + 14,000 + 22,000 + 3,500 + 41,000 = 193,000 (Negotiation); 50,000 + 15,000 + 8,000 won and
# 20,000 + 12,000 lost (Closed).
OPEN_PIPELINE, WON, LOST = "300,000.00", "73,000.00", "32,000.00"
# The board's lines in the file: its title (1), then each group's title, header, items and summary row.
SUMMARY_LINES = (10, 22, 31)
SKIPPED = "Group summary rows skipped (each group's sums under its rows: no deals, their amounts not counted): {}"


def summary_row(items: Sequence[Row]) -> Row:
    """The row monday.com writes under a group's items: the name blank, the sum of each numeric column."""
    return ["", "", "", sum(int(str(item[3])) for item in items), *[""] * (len(HEADER) - 4)]


def board_rows(groups: dict[str, list[Row]] = GROUPS, title: bool = True) -> list[Row]:
    """The board as monday.com exports it: its title, then each group after a blank row (but the first): the
    group's title, the header, the items and the summary row."""
    rows: list[Row] = [["Sales Pipeline"]] if title else []
    for number, (name, items) in enumerate(groups.items()):
        rows += [[]] if number else []
        rows += [[name], HEADER, *items, summary_row(items)]
    return rows


def write_csv(path: Path, rows: Sequence[Row], as_wide_as_the_header: bool = False) -> Path:
    """The rows as a CSV at `path`: each line as long as its cells, or padded to the header's width as a
    spreadsheet saves one."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        for row in rows:
            writer.writerow([*row, *[""] * (len(HEADER) - len(row))] if as_wide_as_the_header else row)
    return path
