"""Read a CSV file the way spreadsheets write it, and say how it was read.

Excel saves in the user's locale: in Portuguese or Spanish that means Windows-1252 text, `;`
between cells, decimal commas and DD/MM/YYYY dates. Every CSV import reads through here, so a
file is accepted in UTF-8 (with or without a byte-order mark) or Windows-1252, comma-,
semicolon- or tab-separated, with a decimal point or comma, and ISO 8601 or DD/MM/YYYY dates.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy


class UnreadableFile(Exception):
    """Not a CSV file this reader can make sense of; the message says why, for the user."""

    def __init__(self, message: str, *, line: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)  # one per line of a file: no dict of its own
class Row:
    line: int  # the physical line the record starts on; the header is line 1
    cells: list[str]


ENCODING_NAMES = {
    "utf-8": "UTF-8",
    "utf-8-sig": gettext_lazy("UTF-8 with a byte-order mark"),
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}


@dataclass
class Reading:
    """How a file was read. Parsing values through it records what they looked like, so that
    `describe()` can tell the user ("UTF-8, semicolon-separated, decimal comma, dates
    DD/MM/YYYY")."""

    encoding: str  # "utf-8", "utf-8-sig", "utf-16" or "cp1252"
    delimiter: str
    header_line: int = 1  # 2 below Excel's "sep=;" line
    decimal_mark: str = "."
    decimals_seen: bool = False
    date_styles: set[str] = field(default_factory=set)  # "iso", "dmy"

    def describe(self) -> str:
        parts = [
            ENCODING_NAMES[self.encoding],
            {
                ",": _("comma-separated"),
                ";": _("semicolon-separated"),
                "\t": _("tab-separated"),
            }[self.delimiter],
        ]
        if self.decimals_seen:
            parts.append(_("decimal comma") if self.decimal_mark == "," else _("decimal point"))
        if self.date_styles == {"iso"}:
            parts.append(_("dates YYYY-MM-DD"))
        elif self.date_styles == {"dmy"}:
            parts.append(_("dates DD/MM/YYYY"))
        elif self.date_styles:
            parts.append(_("dates YYYY-MM-DD and DD/MM/YYYY"))
        return ", ".join(str(part) for part in parts)

    def choose_decimal_mark(self, values: Iterable[str]) -> None:
        """Settle the file's decimal mark from the numbers that read only one way ("12,5" or
        "1.234,50"); "1,234" reads either way and is decided by the mark chosen here."""
        point = comma = 0
        for value in values:
            text = _bare_number(value)
            if not text:
                continue
            self.decimals_seen = True
            as_point, as_comma = bool(NUMBER_POINT.match(text)), bool(NUMBER_COMMA.match(text))
            point += as_point and not as_comma
            comma += as_comma and not as_point
        if point != comma:
            self.decimal_mark = "," if comma > point else "."
        else:
            self.decimal_mark = "," if self.delimiter == ";" else "."

    def decimal(self, value: str) -> Decimal:
        """A number written with the file's decimal mark, or unambiguously with the other one;
        a currency sign around it is ignored. ValueError if it is not a number."""
        text = _bare_number(value)
        order = (self.decimal_mark, "," if self.decimal_mark == "." else ".")
        for mark in order:
            pattern = NUMBER_COMMA if mark == "," else NUMBER_POINT
            if pattern.match(text):
                thousands = "." if mark == "," else ","
                try:
                    return Decimal(text.replace(thousands, "").replace(",", "."))
                except InvalidOperation:
                    break
        raise ValueError(value)

    def date(self, value: str) -> dt.date:
        """A date; some spreadsheets write dates with a time of midnight, which is the date."""
        day, time = self._split(value)
        if time is not None and time.replace(tzinfo=None) != dt.time(0):
            raise ValueError(value)
        return day

    def moment(self, value: str, tzinfo: dt.tzinfo) -> dt.datetime | dt.date:
        """A date, or a datetime in UTC (without an offset, the time is in `tzinfo`)."""
        day, time = self._split(value)
        if time is None:
            return day
        moment = dt.datetime.combine(day, time)
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=tzinfo)
        # In UTC: Python never finds a local time that falls in a daylight-saving gap or
        # overlap equal to another zone's, so matching against stored times would miss it.
        return moment.astimezone(dt.UTC)

    def _split(self, value: str) -> tuple[dt.date, dt.time | None]:
        match = MOMENT.match(value.strip())
        if not match:
            raise ValueError(value)
        parts = match.groupdict()
        style = "iso" if parts["year"] else "dmy"
        if style == "iso":
            day = dt.date(int(parts["year"]), int(parts["month"]), int(parts["day"]))
        else:
            day = dt.date(int(parts["y"]), int(parts["m"]), int(parts["d"]))
        time = None
        if parts["hour"] is not None:
            time = dt.time(
                int(parts["hour"]),
                int(parts["minute"]),
                int(parts["second"] or 0),
                int((parts["fraction"] or "0")[:6].ljust(6, "0")),
                tzinfo=_offset(parts["offset"]),
            )
        self.date_styles.add(style)
        return day, time


NUMBER_POINT = re.compile(r"^[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?$")  # 1,234.5 or 1234.5
NUMBER_COMMA = re.compile(r"^[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?$")  # 1.234,5 or 1234,5
LINE_BREAK = re.compile(r"\r\n|\r|\n")
SEPARATOR_HINT = re.compile(r'"?sep=([,;\t])"?', re.IGNORECASE)
CURRENCY = re.compile(r"^(?:R\$|US\$|[€$£]|[A-Z]{3})?\s*(.*?)\s*(?:[€$£]|[A-Z]{3})?$")
MOMENT = re.compile(
    r"^(?:(?P<year>\d{4})[-/.](?P<month>\d{1,2})[-/.](?P<day>\d{1,2})"
    r"|(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>\d{4}))"
    r"(?:[T ]\s*(?P<hour>\d{1,2}):(?P<minute>\d{2})"
    r"(?::(?P<second>\d{2})(?:[.,](?P<fraction>\d+))?)?"
    r"\s*(?P<offset>Z|[+-]\d{2}(?::?\d{2})?)?)?$"
)


def _bare_number(value: str) -> str:
    # Spaces (including the no-break spaces of French and Portuguese locales) group thousands.
    text = re.sub(r"[\s\u00a0\u202f]", " ", value).strip()
    match = CURRENCY.match(text)
    return (match.group(1) if match else text).replace(" ", "")


def _offset(text: str | None) -> dt.tzinfo | None:
    if not text:
        return None
    if text == "Z":
        return dt.UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return dt.timezone(sign * dt.timedelta(hours=hours, minutes=minutes))


# The encoding is decided from the start of the file; the rest must then decode the same way.
FIRST_BLOCK = 64 * 1024
# In Western text, the bytes above 0x7F are letters among ASCII ones ("São João"): seldom two
# in a row. Shift-JIS, GBK or Big5 write each character as two bytes, mostly both above 0x7F:
# a start of file where most of them touch another is not Windows-1252, even if it decodes.
CP1252_PAIRED_SHARE = 0.5


def _decodes(block: bytes, encoding: str, *, final: bool) -> bool:
    try:
        codecs.getincrementaldecoder(encoding)().decode(block, final=final)
    except UnicodeDecodeError:
        return False
    return True


def _western(block: bytes) -> bool:
    high = [i for i, byte in enumerate(block) if byte >= 0x80]
    if len(high) < 8:
        return True
    marks = set(high)
    paired = sum(1 for i in high if i - 1 in marks or i + 1 in marks)
    return paired / len(high) < CP1252_PAIRED_SHARE


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: a byte-order mark says; else the start of the file
    decides between UTF-8 and Windows-1252 (the encodings a spreadsheet saves CSV in, in the
    Americas and Western Europe), and every later byte must decode the same way. Anything else
    (Shift-JIS, say) is refused rather than read as garbage."""
    if data.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"  # its codec drops the mark (the bytes are not copied)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        block = data[:FIRST_BLOCK]
        final = len(data) <= FIRST_BLOCK
        if _decodes(block, "utf-8", final=final):
            encoding = "utf-8"
        elif _decodes(block, "cp1252", final=True) and _western(block):
            encoding = "cp1252"
        else:
            raise UnreadableFile(
                _(
                    "This file is not in UTF-8 or Windows-1252 (Western European), the "
                    "encodings Clientwise reads. Save it as “CSV UTF-8” and try again."
                )
            )
    try:
        return data.decode(encoding), encoding
    except UnicodeDecodeError as error:
        if encoding == "utf-16":
            line = data[: error.start].decode("utf-16", errors="ignore").count("\n") + 1
        else:
            line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(
            _(
                "This line holds a character that is not %(encoding)s, the encoding the file "
                "begins in. Save the whole file as “CSV UTF-8” and try again."
            )
            % {"encoding": ENCODING_NAMES[encoding]},
            line=line,
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """The separator of the header line: the one outside quotes that occurs most."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def _first_line(text: str) -> tuple[str, int]:
    """The first line, and where the second begins (the text is not copied: it may be large)."""
    found = LINE_BREAK.search(text)
    if found is None:
        return text, len(text)
    return text[: found.start()], found.end()


def read_csv(data: bytes) -> tuple[list[str], list[Row], Reading]:
    """The header, the rows that hold anything, and how the file was read.

    Raises UnreadableFile for something that is not a CSV file at all.
    """
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFile(
            _("This is a spreadsheet workbook, not a CSV file. Save it as CSV and try again.")
        )
    text, encoding = decode(data)
    if "\x00" in text:
        raise UnreadableFile(_("This is not a CSV file."))
    if not text or text.isspace():  # (strip() would copy a large text)
        raise UnreadableFile(_("The file is empty."))
    first_line, second = _first_line(text)
    delimiter, skipped = None, 0
    if hint := SEPARATOR_HINT.fullmatch(first_line.strip()):
        # Excel's own "sep=;" line, written so that Excel opens the file right.
        delimiter, skipped, text = hint.group(1), 1, text[second:]
        first_line = _first_line(text)[0]
    reading = Reading(
        encoding=encoding,
        delimiter=delimiter or sniff_delimiter(first_line),
        header_line=1 + skipped,
    )
    try:
        rows = Rows(text, reading, strict=True)
    except _Unclosed as unclosed:
        raise UnreadableFile(
            _(
                "A quote opened on this line is never closed, so the rest of the file would "
                'be read as one cell. Close it (a quote inside a cell is written twice: "").'
            ),
            line=unclosed.line,
        ) from None
    except csv.Error:
        # Strictness found something a spreadsheet would read anyway ("ab"cd): read as they do.
        rows = Rows(text, reading, strict=False)
    return rows.header or [], rows, reading


class _Unclosed(Exception):
    def __init__(self, line: int) -> None:
        self.line = line


class Rows:
    """The rows of a file that hold anything, read afresh from its text each time they are gone
    through: a large file is held once, as text, never as a list of rows besides. Made by
    reading them once, which finds the header, counts them and raises what the reading raises.
    """

    def __init__(self, text: str, reading: Reading, *, strict: bool) -> None:
        self.text, self.reading, self.strict = text, reading, strict
        self.header: list[str] | None = None
        self.count = sum(1 for _row in self)

    def __iter__(self) -> Iterator[Row]:
        return self._read()

    def __len__(self) -> int:
        return self.count

    def __getitem__(self, index: int) -> Row:
        return list(self)[index]

    def _read(self) -> Iterator[Row]:
        reading = self.reading
        reader = csv.reader(_lines(self.text), delimiter=reading.delimiter, strict=self.strict)
        header = None
        start = reading.header_line  # the line the next record starts on
        try:
            for cells in reader:
                if header is None:
                    header = self.header = cells
                elif any(cell.strip() for cell in cells):
                    yield Row(line=start, cells=cells)
                start = reading.header_line + reader.line_num
        except csv.Error as error:
            if self.strict and "unexpected end of data" in str(error):
                raise _Unclosed(start) from None
            if self.strict:
                raise
            raise UnreadableFile(
                _("This line cannot be read as CSV (%(reason)s).") % {"reason": error}, line=start
            ) from None


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their endings, one at a time, as a file opened with newline=""
    gives them (a StringIO would copy the whole text, four bytes a character)."""
    start = 0
    for ending in LINE_BREAK.finditer(text):
        yield text[start : ending.end()]
        start = ending.end()
    if start < len(text):
        yield text[start:]
