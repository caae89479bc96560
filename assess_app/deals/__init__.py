"""Saved deals: the list (/deals), a new deal, a deal's verdict, check form and timeline."""

from __future__ import annotations

from flask import Blueprint

from assess_app.deals.links import breakable, linked
from assess_app.field_messages import for_field, under_field
from assess_app.query import refuse_unknown_page_query
from sales_process.vocabulary import counts_until
from sales_process.wording import full_stop

bp = Blueprint("deals", __name__, template_folder="templates")
bp.before_request(refuse_unknown_page_query)  # a typo (?asof=) is told, never ignored
bp.add_app_template_filter(linked, "linked")
bp.add_app_template_filter(breakable, "breakable")
bp.add_app_template_filter(for_field, "for_field")
bp.add_app_template_filter(under_field, "under_field")
bp.add_app_template_filter(full_stop, "full_stop")
bp.add_app_template_global(counts_until, "counts_until")

from assess_app.deals import views  # noqa: E402,F401  (registers the routes on bp)
