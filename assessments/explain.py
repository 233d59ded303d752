"""Evidence and reasons in plain words, in the active language. Scoring speaks in codes with
numbers; this is the one place that turns them into sentences, so a stored snapshot reads in
whichever language its reader uses."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .choices import Dimension, Suggestion
from .scoring import Evidence


def _number(value, decimals: int = 0) -> str:
    value = round(value, decimals) + 0  # no "-0.0"
    return number_format(value, decimal_pos=decimals, use_l10n=True)


def _money(amount, currency: str) -> str:
    return f"{_number(amount, 2)} {currency}"


def _dimension(code: str | None) -> str:
    return str(Dimension(code).label).lower() if code in Dimension.values else ""


def _counted(text: str, p: dict) -> str:
    """Fill a sentence chosen by ngettext (called where the literals are, so that
    makemessages finds them) with the counts of `p`."""
    return text % {
        "count": _number(p["count"]),
        "contacts": _number(p.get("contacts", 0)),
        "deliverables": _number(p.get("deliverables", 0)),
    }


SENTENCES: dict[str, Callable[[dict], str]] = {
    # Profitability
    "revenue_without_time": lambda p: _(
        "Invoices were issued but no time was logged, so the hourly rate is unknown."
    ),
    "rate_vs_target": lambda p: (
        _(
            "Weighing recent months more, you earn %(rate)s an hour: %(percent)s%% of your "
            "%(target)s target."
        )
        % {
            "rate": _money(p["rate"], p["currency"]),
            "percent": _number(p["percent"]),
            "target": _money(p["target"], p["currency"]),
        }
    ),
    "not_invoiced_yet": lambda p: (
        _(
            "Includes %(amount)s of billable work not invoiced yet (%(hours)s hours at the "
            "client's rate)."
        )
        % {"amount": _money(p["amount"], p["currency"]), "hours": _number(p["hours"], 1)}
    ),
    "rate_overall": lambda p: (
        _("Over the whole period: %(rate)s an hour over %(hours)s hours.")
        % {"rate": _money(p["rate"], p["currency"]), "hours": _number(p["hours"], 1)}
    ),
    "no_target_rate": lambda p: _(
        "Set a target hourly rate in the workspace settings to judge what this client pays."
    ),
    "unbilled_share": lambda p: (
        _("%(percent)s%% of your time (%(hours)s hours) was not billed.")
        % {"percent": _number(p["percent"]), "hours": _number(p["hours"], 1)}
    ),
    # Energy
    "few_feelings": lambda p: (
        ngettext(
            "Only %(count)s recent entry says how it left you: log a few more to judge energy.",
            "Only %(count)s recent entries say how they left you: log a few more to judge energy.",
            p["count"],
        )
        % {"count": _number(p["count"])}
    ),
    "feeling_average": lambda p: (
        ngettext(
            "You felt %(average)s on average (from −2 drained to +2 energised), in "
            "%(count)s entry.",
            "You felt %(average)s on average (from −2 drained to +2 energised), in %(count)s "
            "entries.",
            p["count"],
        )
        % {"average": _number(p["average"], 1), "count": _number(p["count"])}
    ),
    "feelings_low": lambda p: (
        ngettext(
            "%(count)s of %(total)s entry left you drained or low.",
            "%(count)s of %(total)s entries left you drained or low.",
            p["total"],
        )
        % {"count": _number(p["count"]), "total": _number(p["total"])}
    ),
    # Respect
    "disrespect": lambda p: _counted(
        ngettext(
            "Disrespect was logged once in %(contacts)s contacts.",
            "Disrespect was logged %(count)s times in %(contacts)s contacts.",
            p["count"],
        ),
        p,
    ),
    "dispute": lambda p: _counted(
        ngettext(
            "%(count)s dispute in %(contacts)s contacts.",
            "%(count)s disputes in %(contacts)s contacts.",
            p["count"],
        ),
        p,
    ),
    "complaint": lambda p: _counted(
        ngettext(
            "%(count)s complaint in %(contacts)s contacts.",
            "%(count)s complaints in %(contacts)s contacts.",
            p["count"],
        ),
        p,
    ),
    "unreasonable_demand": lambda p: _counted(
        ngettext(
            "%(count)s unreasonable demand in %(contacts)s contacts.",
            "%(count)s unreasonable demands in %(contacts)s contacts.",
            p["count"],
        ),
        p,
    ),
    "no_respect_issues": lambda p: (
        ngettext(
            "No complaint, dispute or disrespect in %(contacts)s contact.",
            "No complaint, dispute or disrespect in %(contacts)s contacts.",
            p["contacts"],
        )
        % {"contacts": _number(p["contacts"])}
    ),
    "appreciation": lambda p: _counted(
        ngettext(
            "They showed appreciation once.",
            "They showed appreciation %(count)s times.",
            p["count"],
        ),
        p,
    ),
    # Trust
    "no_distrust": lambda p: (
        ngettext(
            "No sign of distrust in %(contacts)s contact.",
            "No sign of distrust in %(contacts)s contacts.",
            p["contacts"],
        )
        % {"contacts": _number(p["contacts"])}
    ),
    "distrust": lambda p: (
        ngettext(
            "Distrust was logged %(count)s time, the last %(days)s days ago.",
            "Distrust was logged %(count)s times, the last %(days)s days ago.",
            p["count"],
        )
        % {"count": _number(p["count"]), "days": _number(p["days_ago"])}
    ),
    # Scope
    "revisions": lambda p: (
        _counted(
            ngettext(
                "%(count)s revision request for %(deliverables)s deliverables.",
                "%(count)s revision requests for %(deliverables)s deliverables.",
                p["count"],
            ),
            p,
        )
        if p["deliverables"]
        else _counted(
            ngettext("%(count)s revision request.", "%(count)s revision requests.", p["count"]), p
        )
    ),
    "scope_changes": lambda p: _counted(
        ngettext("%(count)s change of scope.", "%(count)s changes of scope.", p["count"]), p
    ),
    "out_of_scope": lambda p: _counted(
        ngettext(
            "%(count)s request outside the agreed scope.",
            "%(count)s requests outside the agreed scope.",
            p["count"],
        ),
        p,
    ),
    "support_requests": lambda p: _counted(
        ngettext("%(count)s support request.", "%(count)s support requests.", p["count"]), p
    ),
    "paid_requests": lambda p: (
        ngettext(
            "%(count)s request was billed: paid work, not scope creep.",
            "%(count)s requests were billed: paid work, not scope creep.",
            p["count"],
        )
        % {"count": _number(p["count"])}
    ),
    "no_scope_creep": lambda p: _("No revision rounds or scope changes beyond what was agreed."),
    "unclear_brief": lambda p: _counted(
        ngettext(
            "The brief was unclear once.", "The brief was unclear %(count)s times.", p["count"]
        ),
        p,
    ),
    # Payments
    "nothing_due_yet": lambda p: _counted(
        ngettext(
            "%(count)s invoice issued, none due yet.",
            "%(count)s invoices issued, none due yet.",
            p["count"],
        ),
        p,
    ),
    "late_invoices": lambda p: (
        ngettext(
            "%(late)s of %(due)s invoice was paid late or is overdue, %(days)s days on average.",
            "%(late)s of %(due)s invoices were paid late or are overdue, %(days)s days on average.",
            p["due"],
        )
        % {"late": _number(p["late"]), "due": _number(p["due"]), "days": _number(p["days"])}
    ),
    "paid_on_time": lambda p: _counted(
        ngettext(
            "The invoice that fell due was paid on time.",
            "All %(count)s invoices that fell due were paid on time.",
            p["count"],
        ),
        p,
    ),
    "overdue": lambda p: (
        _("%(amount)s is overdue.") % {"amount": _money(p["amount"], p["currency"])}
    ),
    # Alerts
    "alert_rate_below_target": lambda p: (
        _(
            "Effective rate %(rate)s an hour: %(percent)s%% of your %(target)s target, under your "
            "line of %(threshold)s%%."
        )
        % {
            "rate": _money(p["rate"], p["currency"]),
            "percent": _number(p["percent"]),
            "target": _money(p["target"], p["currency"]),
            "threshold": _number(p["threshold"]),
        }
    ),
    "alert_unbilled_share": lambda p: (
        _("%(percent)s%% of the time was not billed, over your line of %(threshold)s%%.")
        % {"percent": _number(p["percent"]), "threshold": _number(p["threshold"])}
    ),
    "alert_late_invoices": lambda p: _counted(
        ngettext(
            "%(count)s invoice paid late or overdue.",
            "%(count)s invoices paid late or overdue.",
            p["count"],
        ),
        p,
    ),
    "alert_disrespect": lambda p: (
        ngettext(
            "Disrespect logged %(count)s time in the last %(days)s days.",
            "Disrespect logged %(count)s times in the last %(days)s days.",
            p["count"],
        )
        % {"count": _number(p["count"]), "days": _number(p["days"])}
    ),
    "alert_low_feeling": lambda p: (
        _(
            "The last %(count)s entries left you at %(average)s on average (−2 drained … +2 "
            "energised)."
        )
        % {"count": _number(p["count"]), "average": _number(p["average"], 1)}
    ),
    "alert_out_of_hours": lambda p: (
        ngettext(
            "%(count)s contact out of hours in the last %(days)s days.",
            "%(count)s contacts out of hours in the last %(days)s days.",
            p["count"],
        )
        % {"count": _number(p["count"]), "days": _number(p["days"])}
    ),
    "alert_score_drop": lambda p: (
        ngettext(
            "The score fell by %(points)s point in 30 days.",
            "The score fell by %(points)s points in 30 days.",
            p["points"],
        )
        % {"points": _number(p["points"])}
    ),
    "alert_no_contact": lambda p: (
        (
            ngettext(
                "No contact for %(days)s day.",
                "No contact for %(days)s days.",
                p["days"],
            )
            if p.get("ever")
            else ngettext(
                "No contact logged since they were added, %(days)s day ago.",
                "No contact logged since they were added, %(days)s days ago.",
                p["days"],
            )
        )
        % {"days": _number(p["days"])}
    ),
    # Suggestions
    "too_little_data": lambda p: _(
        "Not enough data yet to suggest a change: keep logging how it goes."
    ),
    "healthy": lambda p: _("This relationship does you good: keep it, and keep an eye on it."),
    "steady": lambda p: (
        _(
            "Nothing here is weak, nothing is strong yet: keep it, and watch %(weakest)s "
            "(%(score)s/100)."
        )
        % {"weakest": _dimension(p["weakest"]), "score": _number(p["weak"])}
    ),
    "healthy_watch": lambda p: (
        _(
            "This relationship does you good overall: keep it, and watch %(weakest)s "
            "(%(score)s/100)."
        )
        % {"weakest": _dimension(p["weakest"]), "score": _number(p["weak"])}
    ),
    # "end" and the older forms of the two below come from snapshots of formula version 1.
    "end": lambda p: (
        _(
            "The relationship is in a critical state, held down most by %(weakest)s. "
            "Consider ending it well."
        )
        % {"weakest": _dimension(p["weakest"])}
    ),
    "end_costly": lambda p: _end_costly(p),
    "end_but_dependent": lambda p: _end_but_dependent(p),
    "step_not_working": lambda p: (
        _(
            "%(agreed)s, and %(dimension)s has not recovered since (%(then)s then, %(now)s "
            "now): it is time to consider ending the relationship well."
        )
        % {
            "agreed": _agreed(p),
            "dimension": _dimension(p["dimension"]),
            "then": _number(p["then"]),
            "now": _number(p["now"]),
        }
    ),
    "step_in_progress": lambda p: (
        _("%(agreed)s: give it its chance, and check again on %(check)s.")
        % {"agreed": _agreed(p), "check": _date(p["check_on"])}
    ),
    "collapsed_for_months": lambda p: (
        _(
            "%(dimension)s has been very low for at least %(days)s days and is at %(score)s now: "
            "when it stays broken this long, consider ending the relationship well."
        )
        % {
            "dimension": _dimension(p["dimension"]).capitalize(),
            "days": _number(p["days"]),
            "score": _number(p["score"]),
        }
    ),
    "several_fronts": lambda p: (
        _(
            "Several things are weak at once, money among them (%(dimensions)s): "
            "consider ending the relationship well."
        )
        % {"dimensions": ", ".join(_dimension(name) for name in p["dimensions"])}
    ),
    "out_of_hours_pressure": lambda p: (
        _(
            "%(count)s of their %(contacts)s contacts came out of your working hours: set the "
            "hours you answer in, and keep to them."
        )
        % {"count": _number(p["count"]), "contacts": _number(p["contacts"])}
    ),
    "demands_with_good_money": lambda p: (
        ngettext(
            "They pay well, but %(count)s unreasonable demand was logged: say clearly what you "
            "will and will not do for the price.",
            "They pay well, but %(count)s unreasonable demands were logged: say clearly what "
            "you will and will not do for the price.",
            p["count"],
        )
        % {"count": _number(p["count"])}
    ),
    "renegotiate": lambda p: (
        _("%(weakest)s is what holds this client back: renegotiate the price or the scope.")
        % {"weakest": _dimension(p["weakest"]).capitalize()}
    ),
    "hand_over": lambda p: (
        (
            _(
                "This relationship wears on you while %(name)s gets on well with them "
                "(%(feeling)s on average): consider handing the client over."
            )
            % {"name": p["name"], "feeling": _signed(p["feeling"])}
        )
        if p.get("name")
        else _(
            "This client drains you while the rest holds up: a teammate may work better with them."
        )
    ),
    "protect_energy": lambda p: _(
        "This client drains you while the rest holds up: set boundaries to protect your energy."
    ),
    "set_boundaries": lambda p: (
        _(
            "%(weakest)s is what holds this client back: say clearly what you will and will not "
            "accept."
        )
        % {"weakest": _dimension(p["weakest"]).capitalize()}
    ),
}


def _signed(value) -> str:
    text = _number(value, 1)
    return f"+{text}" if value > 0 else text


def _monthly(p: dict) -> str:
    return _money(p.get("monthly", 0), p.get("currency", ""))


def _date(iso: str) -> str:
    return date_format(dt.date.fromisoformat(iso), "DATE_FORMAT")


def _step(code: str) -> str:
    return str(Suggestion(code).label) if code in Suggestion.values else code


def _agreed(p: dict) -> str:
    """The step a review agreed, and when."""
    when = _date(p["agreed_on"])
    if p["step"] == Suggestion.RENEGOTIATE:
        return _("New terms were agreed on %(date)s") % {"date": when}
    return _("Boundaries were set on %(date)s") % {"date": when}


def _end_costly(p: dict) -> str:
    if "because" not in p:  # formula 1: the weakest dimension, no monthly figure
        return _(
            "The relationship is in a critical state, held down most by %(weakest)s. "
            "Ending it would cost %(percent)s%% of your revenue: line up other work first."
        ) % {"weakest": _dimension(p.get("weakest")), "percent": _number(p["percent"])}
    cost = _(
        "Ending it would cost %(percent)s%% of your revenue (about %(monthly)s a month): "
        "line up other work first."
    ) % {"percent": _number(p["percent"]), "monthly": _monthly(p)}
    return f"{sentence(p['because'])} {cost}"


def _end_but_dependent(p: dict) -> str:
    if "because" not in p:  # formula 1
        return _(
            "The relationship is in a critical state, held down most by %(weakest)s, but "
            "this client pays %(percent)s%% of your revenue: renegotiate the terms and reduce "
            "how much you depend on them before you consider ending it."
        ) % {"weakest": _dimension(p.get("weakest")), "percent": _number(p["percent"])}
    gap = _(
        "But this client brings %(percent)s%% of your revenue (about %(monthly)s a month): "
        "losing it would leave a gap you would have to fill first. %(instead)s, and "
        "depend less on them before you consider ending."
    ) % {
        "percent": _number(p["percent"]),
        "monthly": _monthly(p),
        "instead": _step(p.get("instead", "renegotiate")),
    }
    return f"{sentence(p['because'])} {gap}"


def sentence(evidence: Evidence | list | tuple) -> str:
    if not isinstance(evidence, Evidence):
        evidence = Evidence.from_json(evidence)
    return SENTENCES[evidence.code](evidence.params)
