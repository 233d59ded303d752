from __future__ import annotations

import uuid

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext

from assessments import scoring
from assessments.explain import sentence
from assessments.models import Band, Dimension

register = template.Library()


@register.filter
def evidence(value) -> str:
    """A stored [code, params] pair as a sentence in the active language."""
    return sentence(value) if value else ""


@register.filter
def percent(share) -> str:
    """A share (0-1) as a whole percentage in the active locale; an em dash when unknown."""
    if share is None:
        return "—"
    return f"{number_format(round(100 * share), use_l10n=True)}%"


@register.filter
def signed(value) -> str:
    if value is None:
        return "—"
    value = round(value)
    return f"+{value}" if value > 0 else str(value)


PLACEHOLDER = uuid.UUID(int=0)


@register.simple_tag
def map_bubbles(bubbles, workspace) -> str:
    """The portfolio map's circles, each a link to its client. Built here rather than with
    template tags: a map of a thousand clients rendered through the template engine took most
    of the dashboard's time."""
    pattern = reverse("portfolio:client_detail", kwargs={"ws": workspace.slug, "code": PLACEHOLDER})
    label = gettext("%(name)s: score %(score)s, %(share)s of your revenue")
    return format_html_join(
        "",
        '<a href="{}" class="bubble-link" aria-label="{}"><circle class="bubble band-{}" '
        'cx="{}" cy="{}" r="{}"><title>{}</title></circle></a>',
        (
            (
                pattern.replace(str(PLACEHOLDER), str(b.row.client.code)),
                text,
                b.row.snapshot.band,
                b.cx,
                b.cy,
                b.r,
                text,
            )
            for b in bubbles
            for text in [
                label
                % {
                    "name": b.row.client.name,
                    "score": b.row.snapshot.score,
                    "share": f"{round(100 * (b.row.revenue_share or 0))}%",
                }
            ]
        ),
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "") if mapping else ""


@register.filter
def band_of(score) -> str:
    """The band a score falls in (its code), by the one table of band floors."""
    return scoring.band_of(round(score)) if score is not None else ""


@register.filter
def band_label(code) -> str:
    return Band(code).label if code in Band.values else ""


@register.filter
def dimension_label(code) -> str:
    return Dimension(code).label if code in Dimension.values else ""


# Badges, drawn here rather than by included templates: a table of 25 clients included three
# templates per row, a fifth of the portfolio page's rendering. Never colour alone: a sign and
# a word.
BAND_SIGNS = {
    "thriving": "▲▲",
    "healthy": "▲",
    "watch": "●",
    "at_risk": "▼",
    "critical": "▼▼",
    "prospect": "◇",
    "not_enough_data": "○",
}


@register.simple_tag
def band_badge(band: str, label: str = "") -> str:
    """A badge for a band (its code and label), or for the two states shown instead of one:
    "not_enough_data" and "prospect" (their words are the badge's own)."""
    if band == "not_enough_data":
        label = gettext("Not enough data yet")
    elif band == "prospect":
        label = gettext("Prospect")
    return format_html(
        '<span class="badge band band-{}"><span aria-hidden="true">{}</span> {}</span>',
        band,
        BAND_SIGNS.get(band, "○"),
        label,
    )


@register.simple_tag
def health_badge(snapshot, client) -> str:
    """The one place that decides what a client's health badge says (selectors.health_state
    counts the same way): a prospect is a prospect, a guess on too little data is no band."""
    if client.status == "prospect":
        return band_badge("prospect")
    if not snapshot:
        return format_html('<span class="text-body-secondary">{}</span>', gettext("Not scored yet"))
    if snapshot.confidence == "low":
        return band_badge("not_enough_data")
    return band_badge(snapshot.band, snapshot.get_band_display())


@register.simple_tag
def trend_badge(trend) -> str:
    """A score's change over 30 days: an arrow and the points, and words for screen readers."""
    if trend is None:
        return format_html(
            '<span class="text-body-secondary" title="{}">—</span>', gettext("No score 30 days ago")
        )
    if trend > 0:
        kind, arrow, points = "trend trend-up", "↗", gettext("+%(points)s") % {"points": trend}
    elif trend < 0:
        kind, arrow, points = "trend trend-down", "↘", str(trend)
    else:
        kind, arrow, points = "trend", "→", "0"
    return format_html(
        '<span class="{}"><span aria-hidden="true">{}</span> {}'
        '<span class="visually-hidden"> {}</span></span>',
        kind,
        arrow,
        points,
        gettext("in 30 days"),
    )
