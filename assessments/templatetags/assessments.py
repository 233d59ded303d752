from __future__ import annotations

import uuid

from django import template
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html_join
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
