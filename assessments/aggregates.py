"""The plain data that flows from the SQL aggregates (metrics) into the pure scoring: no ORM."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class ClientMetrics:
    """One client's aggregates over a window. `w_` fields are recency-weighted sums; the others
    are plain counts and totals, for the evidence sentences and the report."""

    client_id: int
    entries: int = 0
    contacts: int = 0
    minutes: int = 0
    billable_minutes: int = 0
    feelings: int = 0
    feeling_sum: int = 0
    feelings_low: int = 0
    kinds: dict[str, int] = field(default_factory=dict)
    flags: dict[str, int] = field(default_factory=dict)
    last_distrust_on: dt.date | None = None
    w_entries: float = 0.0
    w_contacts: float = 0.0
    w_minutes: float = 0.0
    w_billable_minutes: float = 0.0
    w_feelings: float = 0.0
    w_feeling_sum: float = 0.0
    w_kinds: dict[str, float] = field(default_factory=dict)
    w_flags: dict[str, float] = field(default_factory=dict)
    # Requests (revisions, scope changes, support) logged billable: paid work, not creep.
    paid_kinds: dict[str, int] = field(default_factory=dict)
    w_paid_kinds: dict[str, float] = field(default_factory=dict)
    # Billable minutes logged after the client's latest invoice in the window (all of the
    # window's when it has none): work done and not invoiced yet.
    uninvoiced_minutes: int = 0
    w_uninvoiced_minutes: float = 0.0
    # Invoices issued in the window, void ones left out.
    invoices: int = 0
    revenue: float = 0.0
    invoices_due: int = 0
    invoices_late: int = 0
    days_late: int = 0
    overdue_amount: float = 0.0
    w_revenue: float = 0.0
    w_invoices_due: float = 0.0
    w_invoices_late: float = 0.0
    w_days_late: float = 0.0
    # The client's terms, from the client itself: the hourly rate of an hourly client (None
    # for fixed-price and retainer clients, or without a rate), and whether there is a
    # relationship yet (a prospect has nothing to be paid for).
    hourly_rate: float | None = None
    prospect: bool = False

    @property
    def evidence_count(self) -> int:
        return self.entries + self.invoices

    @property
    def uninvoiced_amount(self) -> float:
        """What the billable work not invoiced yet is worth at the client's hourly rate."""
        return self.uninvoiced_minutes / 60 * self.hourly_rate if self.hourly_rate else 0.0

    @property
    def earned(self) -> float:
        """Money earned in the window: invoiced, plus billable work not invoiced yet."""
        return self.revenue + self.uninvoiced_amount

    @property
    def w_earned(self) -> float:
        uninvoiced = self.w_uninvoiced_minutes / 60 * self.hourly_rate if self.hourly_rate else 0
        return self.w_revenue + uninvoiced

    def to_json(self) -> dict:
        data = {key: value for key, value in self.__dict__.items() if key != "client_id"}
        data["last_distrust_on"] = (
            self.last_distrust_on.isoformat() if self.last_distrust_on else None
        )
        return data
