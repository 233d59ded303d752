"""Reading Toggl Track, Clockify and Harvest exports: pure parsing, no database."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest

from portfolio.trackers.formats import (
    CLOCKIFY,
    HARVEST,
    TOGGL,
    date_order,
    detect_format,
    minutes_from_hours,
    parse_entries,
    parse_time,
)

DATA = Path(__file__).resolve().parent.parent / "data" / "trackers"


def read(name: str, encoding="utf-8-sig", delimiter=","):
    text = (DATA / name).read_bytes().decode(encoding)
    reader = csv.DictReader(io.StringIO(text), delimiter=delimiter)
    return reader.fieldnames, list(reader)


@pytest.mark.parametrize(
    "name, fmt, options",
    [
        ("toggl.csv", TOGGL, {}),
        ("clockify.csv", CLOCKIFY, {}),
        ("clockify_variant_br.csv", CLOCKIFY, {"delimiter": ";"}),
        ("harvest.csv", HARVEST, {}),
        ("harvest_excel_pt.csv", HARVEST, {"encoding": "cp1252", "delimiter": ";"}),
    ],
)
def test_the_format_is_recognised_by_column_names(name, fmt, options):
    header, _rows = read(name, **options)
    assert detect_format(header) is fmt


def test_an_unrelated_header_is_not_a_tracker_export():
    assert detect_format(["name", "company", "email"]) is None


def test_toggl_entries():
    _header, rows = read("toggl.csv")
    entries, problems, order = parse_entries(TOGGL, rows)
    assert problems == [] and order == "iso"
    first = entries[0]
    assert (first.client, first.day, first.start) == (
        "Padaria Estrela",
        dt.date(2026, 11, 2),
        dt.time(9, 15),
    )
    assert first.minutes == 151  # 2:30:30 rounds to the nearest minute
    assert entries[1].minutes == 20  # 0:20:29
    assert first.billable and not entries[1].billable
    assert first.summary == "[Menu site] Homepage layout"
    assert entries[3].client == ""  # no client: the import lists it and skips it


def test_clockify_us_dates_and_12_hour_times():
    _header, rows = read("clockify.csv")
    entries, problems, order = parse_entries(CLOCKIFY, rows)
    assert problems == [] and order == "mdy"  # 11/13/2026 can only be month first
    assert entries[0].day == dt.date(2026, 11, 2)
    assert entries[0].start == dt.time(13, 30)
    assert entries[1].minutes == 46  # 0:45:30 rounds up


def test_ambiguous_dates_ask_for_the_order_and_a_hint_resolves_them():
    _header, rows = read("clockify_variant_br.csv", delimiter=";")
    entries, problems, order = parse_entries(CLOCKIFY, rows)
    assert order is None and entries == []
    assert {p.message for p in problems} == {"Day and month can be read both ways."}
    entries, problems, order = parse_entries(CLOCKIFY, rows, date_order_hint="dmy")
    assert problems == []
    assert entries[0].day == dt.date(2026, 4, 3)
    assert entries[0].client == "Mercado Pinheiro"  # the Client column is last in this version


def test_harvest_decimal_hours_with_a_comma_and_no_start_time():
    _header, rows = read("harvest_excel_pt.csv", encoding="cp1252", delimiter=";")
    entries, problems, order = parse_entries(HARVEST, rows)
    assert problems == [] and order == "dmy"
    assert entries[0].minutes == 1200 and entries[0].start is None
    assert entries[0].summary == "[Site novo] Página de matrículas"
    assert entries[1].minutes == 90


def test_bad_cells_are_reported_by_line_and_column():
    rows = [
        {"Date": "2026-13-45", "Client": "A", "Project": "", "Notes": "", "Hours": "1",
         "Billable?": "Yes"},
        {"Date": "2026-11-01", "Client": "A", "Project": "", "Notes": "", "Hours": "lots",
         "Billable?": "Yes"},
    ]  # fmt: skip
    entries, problems, _order = parse_entries(HARVEST, rows)
    assert entries == []
    assert [(p.line, p.column) for p in problems] == [(2, "date"), (3, "hours")]


@pytest.mark.parametrize(
    "value, expected",
    [("13:30", dt.time(13, 30)), ("01:30:00 PM", dt.time(13, 30)), ("12:05 am", dt.time(0, 5)),
     ("12:00:00 PM", dt.time(12, 0)), ("9:00 a.m.", dt.time(9, 0))],
)  # fmt: skip
def test_times(value, expected):
    assert parse_time(value) == expected


@pytest.mark.parametrize("value, minutes", [("1.5", 90), ("1,5", 90), ("20,0", 1200),
                                            ("0.76", 46), ("1:15", 75)])  # fmt: skip
def test_hours(value, minutes):
    assert minutes_from_hours(value) == minutes


def test_date_order_decides_from_the_data():
    assert date_order(["2026-11-01"]) == "iso"
    assert date_order(["01/11/2026", "25/11/2026"]) == "dmy"
    assert date_order(["11/25/2026"]) == "mdy"
    assert date_order(["01/02/2026", "03/04/2026"]) is None


def test_the_key_identifies_an_entry_across_reimports():
    _header, rows = read("toggl.csv")
    first, again = parse_entries(TOGGL, rows)[0][0], parse_entries(TOGGL, rows)[0][0]
    assert first.key == again.key
    assert first.key == "padaria estrela|2026-11-02T09:15:00|151|[Menu site] Homepage layout"
