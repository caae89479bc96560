"""The backtest of the saved deals with its default snapshots: what /pipeline's forecast-accuracy section shows."""

from __future__ import annotations

from sqlalchemy.orm import Session

from forecast.backtest import Backtest, run_backtest
from forecast.records_source import saved_histories
from forecast.snapshots import Every, default_range, snapshot_dates
from sales_process.model import Process


def saved_backtest(session: Session, process: Process) -> Backtest | None:
    """The saved deals' backtest, monthly over the 12 months before the latest close; None without a closed deal."""
    histories, currency = saved_histories(session, process)
    if not histories:
        return None
    dates = snapshot_dates(*default_range(max(history.closed_on for history in histories)), Every.MONTH)
    return run_backtest(process, histories, dates, saved=True, currency=currency)
