"""Turn an uploaded CSV into a header and rows, whatever the spreadsheet that saved it.

UTF-8 (with or without a byte-order mark) or Windows-1252; comma or semicolon. Returns a
description of what was read, shown to the user ("UTF-8, semicolon-separated").
"""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _


def decode(data: bytes) -> tuple[str, str]:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8"), _("UTF-8 with a byte-order mark")
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "Windows-1252"


def sniff_delimiter(first_line: str) -> str:
    """The separator of the header line: the one outside quotes that occurs most."""
    counts = {",": 0, ";": 0, "\t": 0}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    return max(counts, key=lambda sep: (counts[sep], sep == ","))


def read_csv(data: bytes) -> tuple[list[str], list[dict[str, str]], str]:
    text, encoding = decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = sniff_delimiter(first_line)
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [name.strip() for name in (reader.fieldnames or [])]
    reader.fieldnames = header
    rows = [row for row in reader if any((value or "").strip() for value in row.values())]
    separator = {
        ",": _("comma-separated"),
        ";": _("semicolon-separated"),
        "\t": _("tab-separated"),
    }[delimiter]
    return header, rows, f"{encoding}, {separator}"
