"""The three interchange files: their columns in export order, the codes they use, and how one
cell reads into a value (or into a message for the user saying what is wrong with it)."""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

from ..models import (
    BillingModel,
    ClientLanguage,
    ClientStatus,
    DepartureReason,
    EndedBy,
    Flag,
    InteractionKind,
)
from .csvread import Reading


class Kind(StrEnum):
    TEXT = "text"  # free text: guarded against formula injection on export
    EMAIL = "email"
    CODE = "code"
    MONEY = "money"
    MINUTES = "minutes"
    FEELING = "feeling"
    DATE = "date"
    MOMENT = "moment"  # a date, or a date and time
    YES_NO = "yes_no"
    FLAGS = "flags"


@dataclass(frozen=True)
class Column:
    name: str
    kind: Kind
    required: bool = False
    max_length: int | None = None
    codes: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        return self.kind in (Kind.TEXT, Kind.EMAIL)


def _codes(choices) -> tuple[str, ...]:
    return tuple(choices.values)


CLIENTS = (
    Column("name", Kind.TEXT, required=True, max_length=200),
    Column("company", Kind.TEXT, max_length=200),
    Column("email", Kind.EMAIL, max_length=254),
    Column("phone", Kind.TEXT, max_length=50),
    Column("status", Kind.CODE, codes=_codes(ClientStatus)),
    Column("billing_model", Kind.CODE, codes=_codes(BillingModel)),
    Column("rate", Kind.MONEY),
    Column("started_on", Kind.DATE),
    Column("ended_on", Kind.DATE),
    Column("ended_by", Kind.CODE, codes=_codes(EndedBy)),
    Column("end_reason", Kind.TEXT),
    Column("departure_reason", Kind.CODE, codes=_codes(DepartureReason)),
    Column("language", Kind.CODE, codes=_codes(ClientLanguage)),
    Column("owner_email", Kind.TEXT, max_length=254),
    Column("notes", Kind.TEXT),
)
INTERACTIONS = (
    Column("client", Kind.TEXT, required=True, max_length=200),
    Column("occurred_at", Kind.MOMENT, required=True),
    Column("kind", Kind.CODE, required=True, codes=_codes(InteractionKind)),
    Column("minutes", Kind.MINUTES),
    Column("billable", Kind.YES_NO),
    Column("feeling", Kind.FEELING),
    Column("flags", Kind.FLAGS, codes=_codes(Flag)),
    Column("summary", Kind.TEXT, max_length=500),
    Column("author_email", Kind.TEXT, max_length=254),
    Column("external_id", Kind.TEXT, max_length=100),
)
INVOICES = (
    Column("client", Kind.TEXT, required=True, max_length=200),
    Column("number", Kind.TEXT, required=True, max_length=50),
    Column("issued_on", Kind.DATE, required=True),
    Column("due_on", Kind.DATE),
    Column("amount", Kind.MONEY, required=True),
    Column("paid_on", Kind.DATE),
    Column("paid_amount", Kind.MONEY),
    Column("void", Kind.YES_NO),
)
# The files in the order they are read and written: clients first, the others refer to them.
FILES = {"clients": CLIENTS, "interactions": INTERACTIONS, "invoices": INVOICES}

# Spreadsheets put their own words for TRUE and FALSE in a CSV (VERDADEIRO, FALSO…).
YES = frozenset({"yes", "y", "true", "1", "sim", "sí", "si", "verdadeiro", "verdadero"})
NO = frozenset({"no", "n", "false", "0", "não", "nao", "falso"})
MONEY_LIMIT = Decimal("1e10")  # max_digits=12 with two decimals

# A cell a spreadsheet would run as a formula. Exported with a leading ', which import removes.
# Values already starting with ' before such a character get one more, so any value round-trips.
FORMULA = re.compile(r"^'*[=+\-@\t\r]")


class CellError(ValueError):
    """What is wrong with one cell, in words for the user."""


def guard(value: str) -> str:
    return f"'{value}" if FORMULA.match(value) else value


def unguard(value: str) -> str:
    return value[1:] if value.startswith("'") and FORMULA.match(value) else value


def read_cell(column: Column, raw: str, reading: Reading, tzinfo: dt.tzinfo) -> Any:
    """The value of one cell; "" or None for an empty one. Raises CellError."""
    text = unguard(raw.strip())
    if not text:
        if column.required:
            raise CellError(_("A value is required here."))
        return _EMPTY.get(column.kind, "")
    if column.max_length and len(text) > column.max_length:
        raise CellError(
            _("This is %(length)s characters long; the most is %(max)s.")
            % {"length": len(text), "max": column.max_length}
        )
    return _READERS[column.kind](column, text, reading, tzinfo)


_EMPTY = {
    Kind.MONEY: None,
    Kind.MINUTES: 0,
    Kind.FEELING: None,
    Kind.DATE: None,
    Kind.YES_NO: False,
    Kind.FLAGS: frozenset(),
}


def _text(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> str:
    return text


def _email(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> str:
    try:
        validate_email(text)
    except ValidationError:
        raise CellError(_("“%(value)s” is not an email address.") % {"value": text}) from None
    return text


def _code_key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().lower())


@functools.cache
def _lenient(codes: tuple[str, ...]) -> dict[str, str]:
    """Codes as people also type them: "Work session", "PT-BR"."""
    return {_code_key(code): code for code in codes}


def _as_code(text: str, codes: tuple[str, ...]) -> str | None:
    return text if text in codes else _lenient(codes).get(_code_key(text))


def _code(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> str:
    if (code := _as_code(text, column.codes)) is not None:
        return code
    message = _("“%(value)s” is not a valid %(column)s.") % {"value": text, "column": column.name}
    raise CellError(_unknown_code(message, text, column.codes))


def _unknown_code(message: str, text: str, codes: tuple[str, ...]) -> str:
    sentences = [message]
    if close := difflib.get_close_matches(text.lower(), codes, n=1, cutoff=0.75):
        sentences.append(_("Did you mean “%(suggestion)s”?") % {"suggestion": close[0]})
    sentences.append(_("Use one of: %(codes)s.") % {"codes": ", ".join(codes)})
    return " ".join(sentences)


def _flags(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> frozenset[str]:
    chosen = set()
    for part in re.split(r"[;,]", text):
        if not part.strip():
            continue
        if (code := _as_code(part.strip(), column.codes)) is None:
            message = _("“%(value)s” is not a flag.") % {"value": part.strip()}
            raise CellError(_unknown_code(message, part.strip(), column.codes))
        chosen.add(code)
    return frozenset(chosen)


def _money(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> Decimal:
    try:
        value = reading.decimal(text)
    except ValueError:
        raise CellError(_("“%(value)s” is not an amount.") % {"value": text}) from None
    if value < 0:
        raise CellError(_("“%(value)s” is negative; use 0 or more.") % {"value": text})
    if value != value.quantize(Decimal("0.01")):
        raise CellError(_("“%(value)s” has more than two decimals.") % {"value": text})
    if value >= MONEY_LIMIT:
        raise CellError(_("“%(value)s” is too large.") % {"value": text})
    return value.quantize(Decimal("0.01"))


def _whole(text: str, reading: Reading) -> int:
    value = reading.decimal(text)
    if value != value.to_integral_value():
        raise ValueError(text)
    return int(value)


def _minutes(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> int:
    try:
        minutes = _whole(text, reading)
        if not 0 <= minutes <= 24 * 60:
            raise ValueError(text)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a number of minutes from 0 to 1440 (a day).") % {"value": text}
        ) from None
    return minutes


def _feeling(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> int:
    try:
        feeling = _whole(text, reading)
        if not -2 <= feeling <= 2:
            raise ValueError(text)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a feeling: use -2, -1, 0, 1 or 2, or leave it empty.")
            % {"value": text}
        ) from None
    return feeling


def _date(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> dt.date:
    try:
        return reading.date(text)
    except ValueError:
        raise CellError(
            _("“%(value)s” is not a date. Write it as 2026-03-25 or 25/03/2026.") % {"value": text}
        ) from None


def _moment(
    column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo
) -> dt.datetime | dt.date:
    try:
        return reading.moment(text, tzinfo)
    except ValueError:
        raise CellError(
            _(
                "“%(value)s” is not a date or a date and time. Write it as 2026-03-25, "
                "2026-03-25T14:30 or 25/03/2026 14:30."
            )
            % {"value": text}
        ) from None


def _yes_no(column: Column, text: str, reading: Reading, tzinfo: dt.tzinfo) -> bool:
    word = text.lower()
    if word in YES:
        return True
    if word in NO:
        return False
    raise CellError(_("“%(value)s” is not yes or no.") % {"value": text})


_READERS = {
    Kind.TEXT: _text,
    Kind.EMAIL: _email,
    Kind.CODE: _code,
    Kind.FLAGS: _flags,
    Kind.MONEY: _money,
    Kind.MINUTES: _minutes,
    Kind.FEELING: _feeling,
    Kind.DATE: _date,
    Kind.MOMENT: _moment,
    Kind.YES_NO: _yes_no,
}
