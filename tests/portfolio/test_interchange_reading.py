"""Reading CSV files as spreadsheets save them: encodings, separators, decimal marks, dates."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from portfolio.interchange import import_apply, import_plan
from portfolio.interchange.columns import guard, unguard
from portfolio.interchange.csvread import Reading, UnreadableFile, read_csv
from portfolio.models import Client, Interaction, Invoice
from tests.portfolio.conftest import LISBON

DATA = Path(__file__).resolve().parent.parent / "data" / "interchange"


def reading(delimiter: str = ",", mark: str = ".") -> Reading:
    return Reading(encoding="utf-8", delimiter=delimiter, decimal_mark=mark)


@pytest.mark.parametrize(
    ("data", "header", "described"),
    [
        (b"name,notes\nA,b\n", ["name", "notes"], "UTF-8, comma-separated"),
        (
            b"\xef\xbb\xbfname;notes\r\nA;b\r\n",
            ["name", "notes"],
            "UTF-8 with a byte-order mark, semicolon-separated",
        ),
        (
            "name;notes\nJoão;Não\n".encode("cp1252"),
            ["name", "notes"],
            "Windows-1252, semicolon-separated",
        ),
        ("name\tnotes\nA\tb\n".encode("utf-16"), ["name", "notes"], "UTF-16, tab-separated"),
    ],
)
def test_the_encoding_and_separator_are_recognised_and_described(data, header, described):
    found, rows, how = read_csv(data)
    assert found == header and len(rows) == 1
    assert how.describe() == described


def test_windows_1252_text_reads_back_with_its_accents():
    _header, rows, _how = read_csv("name;notes\nJoão;Reunião às 9h\n".encode("cp1252"))
    assert rows[0].cells == ["João", "Reunião às 9h"]


def test_lines_are_numbered_as_in_the_file_with_the_header_as_line_one():
    data = b'name,notes\nA,"two\nlines"\n\nB,x\n,\n"C",y\n'
    _header, rows, _how = read_csv(data)
    assert [(row.line, row.cells[0]) for row in rows] == [(2, "A"), (5, "B"), (7, "C")]


def test_excel_separator_hint_line_is_followed():
    header, rows, how = read_csv(b"sep=;\r\nname;notes\r\nA,B;c\r\n")
    assert header == ["name", "notes"] and (how.delimiter, how.header_line) == (";", 2)
    assert [(row.line, row.cells) for row in rows] == [(3, ["A,B", "c"])]


def test_old_mac_line_ends_are_lines_too():
    header, rows, _how = read_csv(b"name;notes\rA;b\rC;d\r")
    assert header == ["name", "notes"] and [row.line for row in rows] == [2, 3]


def test_a_cell_keeps_its_own_line_breaks():
    _header, rows, _how = read_csv(b'name,notes\r\nA,"one\r\ntwo"\r\n')
    assert rows[0].cells[1] == "one\r\ntwo"


def test_a_file_with_null_bytes_is_not_taken_for_text():
    with pytest.raises(UnreadableFile) as error:
        read_csv(b'name\n"A\x00"\n')
    assert error.value.message == "This is not a CSV file."


@pytest.mark.parametrize(
    ("text", "mark", "value"),
    [
        ("1234.5", ".", "1234.5"),
        ("1,234.50", ".", "1234.50"),
        ("1234,5", ",", "1234.5"),
        ("1.234,50", ",", "1234.50"),
        ("1 234,50", ",", "1234.50"),
        ("1\u00a0234,50", ",", "1234.50"),
        ("12,5", ".", "12.5"),  # only reads one way, whatever the file's mark
        ("12.5", ",", "12.5"),
        ("1,234", ".", "1234"),  # reads both ways: the file's mark decides
        ("1,234", ",", "1.234"),
        ("R$ 1.250,00", ",", "1250.00"),
        ("€45.00", ".", "45.00"),
        ("45,00 EUR", ",", "45.00"),
        ("-3", ".", "-3"),
    ],
)
def test_numbers_read_with_either_decimal_mark(text, mark, value):
    assert reading(mark=mark).decimal(text) == Decimal(value)


@pytest.mark.parametrize("text", ["abc", "1.2.3,4,5", "12,34,5", "", "1e5", "--1"])
def test_what_is_not_a_number_is_refused(text):
    with pytest.raises(ValueError):
        reading().decimal(text)


@pytest.mark.parametrize(
    ("values", "delimiter", "mark"),
    [
        (["12,50", "3"], ",", ","),
        (["1.234,50", "9.99"], ";", ","),  # one of each: the separator decides
        (["1200.00", "45,5", "3.25"], ",", "."),
        (["1200", ""], ";", ","),
        (["1200", ""], ",", "."),
    ],
)
def test_the_file_decimal_mark_follows_the_numbers_that_read_one_way(values, delimiter, mark):
    how = reading(delimiter=delimiter)
    how.choose_decimal_mark(values)
    assert how.decimal_mark == mark


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-03-25", dt.date(2026, 3, 25)),
        ("25/03/2026", dt.date(2026, 3, 25)),
        ("5.3.2026", dt.date(2026, 3, 5)),
        ("2026-03-25T14:30", dt.datetime(2026, 3, 25, 14, 30, tzinfo=LISBON)),
        ("2026-03-25 14:30:15", dt.datetime(2026, 3, 25, 14, 30, 15, tzinfo=LISBON)),
        ("25/03/2026 14:30", dt.datetime(2026, 3, 25, 14, 30, tzinfo=LISBON)),
        ("2026-03-25T14:30:00Z", dt.datetime(2026, 3, 25, 14, 30, tzinfo=dt.UTC)),
        (
            "2026-03-25T14:30:00.250-03:00",
            dt.datetime(2026, 3, 25, 17, 30, 0, 250000, tzinfo=dt.UTC),
        ),
        ("2026-03-25T14:30+0100", dt.datetime(2026, 3, 25, 13, 30, tzinfo=dt.UTC)),
    ],
)
def test_dates_and_times_read_as_iso_8601_or_day_first(text, expected):
    value = reading().moment(text, LISBON)
    assert value == expected and type(value) is type(expected)


@pytest.mark.parametrize(
    "text", ["03/25/2026", "31/02/2026", "25/03/26", "2026-13-01", "yesterday", "2026-03-25T25:00"]
)
def test_month_first_impossible_and_two_digit_year_dates_are_refused(text):
    with pytest.raises(ValueError):
        reading().moment(text, LISBON)


def test_a_date_may_come_with_a_time_of_midnight_but_not_another():
    assert reading().date("2026-03-25 00:00:00") == dt.date(2026, 3, 25)
    assert reading().date("25/03/2026 00:00") == dt.date(2026, 3, 25)
    with pytest.raises(ValueError):
        reading().date("2026-03-25 09:00")


def test_the_description_names_the_date_styles_read():
    how = reading(delimiter=";", mark=",")
    how.choose_decimal_mark(["1,5"])
    how.date("25/03/2026")
    assert how.describe() == "UTF-8, semicolon-separated, decimal comma, dates DD/MM/YYYY"
    how.date("2026-03-25")
    assert how.describe().endswith("dates YYYY-MM-DD and DD/MM/YYYY")


@pytest.mark.parametrize(
    "value",
    ["=SUM(A1:A9)", "+351 912 345 678", "-5 stars", "@home", "\tindented", "\rodd",
     "'=already quoted", "''+twice", "'Tis the season", "plain", "", "'"],
)  # fmt: skip
def test_formula_guard_and_its_removal_give_back_any_value(value):
    assert unguard(guard(value)) == value
    assert guard(value)[:1] not in ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.django_db
def test_an_excel_file_in_portuguese_imports_with_its_accents_numbers_and_dates(lisbon, owner):
    files = {
        role: (DATA / "excel_pt" / f"{role}.csv").read_bytes()
        for role in ("clients", "interactions", "invoices")
    }
    checked = import_plan(workspace=lisbon, user=owner, files=files)

    assert checked.errors == []
    assert checked.read_as == {
        "clients": "Windows-1252, semicolon-separated, decimal comma, dates DD/MM/YYYY",
        "interactions": "Windows-1252, semicolon-separated, dates DD/MM/YYYY",
        "invoices": "Windows-1252, semicolon-separated, decimal comma, dates DD/MM/YYYY",
    }
    import_apply(plan=checked)

    bakery = Client.objects.get(name="Padaria São João")
    assert (bakery.rate, bakery.started_on, bakery.notes) == (
        Decimal("45.50"), dt.date(2026, 1, 15), "Cliente desde janeiro; paga em dia"
    )  # fmt: skip
    assert Client.objects.get(name="Construções Álvares").rate == Decimal("1250.00")
    meeting, session = Interaction.objects.filter(client=bakery).order_by("occurred_at")
    assert meeting.occurred_at == dt.datetime(2026, 2, 3, 14, 30, tzinfo=LISBON)
    assert meeting.billable and meeting.summary == "Reunião de início"
    assert session.date_only and session.billable
    call = Interaction.objects.get(kind="call")
    assert not call.billable and call.flags == ["out_of_hours", "unclear_brief"]
    invoice = Invoice.objects.get(number="NF-2026-01")
    assert (invoice.amount, invoice.paid_amount, invoice.due_on) == (
        Decimal("1234.56"), Decimal("1234.56"), dt.date(2026, 3, 3)
    )  # fmt: skip

    again = import_plan(workspace=lisbon, user=owner, files=files)
    assert again.errors == [] and again.total == 0


@pytest.mark.django_db
def test_a_file_with_a_byte_order_mark_reads_its_first_column(workspace, owner):
    checked = import_plan(
        workspace=workspace,
        user=owner,
        files={"clients": (DATA / "bom" / "clients.csv").read_bytes()},
    )
    assert checked.errors == []
    assert checked.read_as["clients"] == "UTF-8 with a byte-order mark, comma-separated"
    import_apply(plan=checked)
    assert sorted(Client.objects.values_list("name", "language")) == [
        ("Zé Pequeno", "pt-BR"),
        ("Élan Vital", "es"),
    ]


# The encoding is decided from the start of the file; a quote never closed is refused


def refusal(data: bytes) -> UnreadableFile:
    with pytest.raises(UnreadableFile) as refused:
        read_csv(data)
    return refused.value


def test_a_file_in_an_encoding_it_does_not_read_is_refused_not_read_as_garbage():
    japanese = "client,summary\n株式会社サクラ,打ち合わせの議事録を送付\n山田商店,見積もり\n"
    refused = refusal(japanese.encode("shift_jis"))
    assert "not in UTF-8 or Windows-1252" in refused.message
    assert refusal(japanese.encode("gbk")).message == refused.message


def test_western_text_in_windows_1252_is_still_read_with_its_dashes_and_quotes():
    text = "client,summary\nPadaria São João,“Orçamento” – revisão de preços\n"
    _header, rows, reading = read_csv(text.encode("cp1252"))
    assert reading.encoding == "cp1252"
    assert rows[0].cells == ["Padaria São João", "“Orçamento” – revisão de preços"]


def test_a_later_byte_that_does_not_decode_like_the_start_refuses_the_file_naming_its_line():
    start = "client,summary\n" + "Atlas,call\n" * 7000  # well past the first block, all UTF-8
    data = start.encode() + "Café Lua,visita\n".encode("cp1252") + b"Atlas,call\n"
    refused = refusal(data)
    assert refused.line == 7002
    assert "not UTF-8, the encoding the file begins in" in refused.message


def test_an_undefined_windows_1252_byte_later_on_is_refused_naming_its_line():
    start = "client\n" + "Café Lua\n" * 8000  # past the first block, all Windows-1252
    data = start.encode("cp1252") + b"Bad \x81 byte\n"
    refused = refusal(data)
    assert refused.line == 8002
    assert "not Windows-1252" in refused.message


def test_a_quote_never_closed_is_refused_naming_the_line_where_it_opened():
    data = b'name,notes\nAtlas,"fine"\nBeta,"opened here\nCasa,ok\nDelta,ok\n'
    refused = refusal(data)
    assert refused.line == 3
    assert "never closed" in refused.message


def test_text_after_a_closing_quote_is_read_as_spreadsheets_read_it():
    _header, rows, _ = read_csv(b'name,notes\nAtlas,"ab"cd\nBeta,"x ""quoted"" y"\n')
    assert [row.cells for row in rows] == [["Atlas", "abcd"], ["Beta", 'x "quoted" y']]


def test_an_unreadable_tracker_export_names_its_line_in_the_preview(workspace, owner):
    from portfolio.trackers.importer import tracker_import_plan

    data = b'User,Client,Description\nAna,Atlas,"opened\nAna,Beta,x\n'
    plan = tracker_import_plan(workspace=workspace, user=owner, data=data)
    assert [str(problem) for problem in plan.problems] == [
        "Line 2: A quote opened on this line is never closed, so the rest of the file would "
        'be read as one cell. Close it (a quote inside a cell is written twice: "").'
    ]
