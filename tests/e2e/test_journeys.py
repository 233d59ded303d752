"""The main journeys, each one test from a blank database and through the UI only, in a real
Chromium: what is set up, a person sets up (the database is only read, to check, and the emails
only to follow their links). Journeys 1, 2 and 6 run in each of the three languages, finding
controls by ids, names and addresses rather than by their English words."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from accounts.models import Membership, Role, User, Workspace
from assessments.models import Alert, AlertStatus, HealthSnapshot
from portfolio.models import Client, Interaction, Invoice
from reviews.models import FollowUp, Review
from tests.e2e.audit import cut_off, writing_controls
from tests.e2e.measure import sideways_overflow, small_targets
from tests.e2e.steps import (
    LANGUAGES,
    accept_invitation,
    add_client,
    answer,
    email_to,
    go_today,
    health_panel,
    invite,
    log_by_keyboard,
    log_in,
    log_on_client_page,
    next_step,
    open_browser,
    section,
    sign_up,
    speaks,
    submit,
    tab_to,
    workspace_home,
)

pytestmark = pytest.mark.django_db(transaction=True)

DATA = Path(__file__).resolve().parent.parent / "data"
PHONE = {"width": 375, "height": 812}


@pytest.fixture
def person(new_context, live_server):
    """`person(language)`: a browser of one's own (pytest-playwright keeps its screenshots)."""

    def open_(language: str = "en", **context_args) -> Page:
        return open_browser(new_context, live_server, language, **context_args)

    return open_


@pytest.fixture
def clock(monkeypatch):
    """`clock(days=14)`: the server lives that many days later from then on (the browser and
    the database are the same; only what "now" and "today" are moves)."""
    real_now = timezone.now

    def move(**delta) -> None:
        monkeypatch.setattr(timezone, "now", lambda: real_now() + dt.timedelta(**delta))

    return move


# 1 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_a_team_gathers_and_a_viewer_can_change_nothing(person, language):
    ana = person(language)
    sign_up(ana, email="ana@example.com", name="Ana Lima")
    speaks(ana, language)
    workspace = Workspace.objects.get()
    assert workspace.language == language

    section(ana, "settings/").click()
    ana.fill("#id_target_hourly_rate", "60")
    submit(ana.locator("main form"))
    expect(ana.locator("#id_target_hourly_rate")).to_have_value("60.00")
    workspace.refresh_from_db()
    assert workspace.target_hourly_rate == Decimal("60")

    # Something for the viewer to see: a client, a line crossed (one disrespectful call).
    go_today(ana)
    add_client(ana, "Storm Ltd")
    log_on_client_page(ana, "Shouted at me on the call", flags=("disrespect",))
    expect(health_panel(ana).locator("li.alert-item.severity-critical")).to_be_visible()

    link = invite(ana, email="bruno@example.com", role=Role.MEMBER)
    with translation.override(language):  # the invitation speaks the workspace's language
        assert gettext("Accept the invitation here:") in email_to("bruno@example.com").body
    bruno = person(language)
    accept_invitation(bruno, link, email="bruno@example.com", name="Bruno Costa")
    assert bruno.url == workspace_home(ana)
    speaks(bruno, language)
    expect(bruno.locator("#quick-log")).to_be_visible()  # a member logs
    bruno_user = User.objects.get(email="bruno@example.com")
    assert Membership.objects.get(user=bruno_user).workspace == workspace
    assert Membership.objects.get(user=bruno_user).role == Role.MEMBER

    link = invite(ana, email="vera@example.com", role=Role.VIEWER)
    vera = person(language)
    accept_invitation(vera, link, email="vera@example.com", name="Vera Dias")
    assert vera.url == workspace_home(ana)
    assert Membership.objects.get(user__email="vera@example.com").role == Role.VIEWER

    # What the viewer may do, on every page she reads: switch language, log out, choose her
    # own emails. Nothing else posts, and no link leads to a form that would.
    pages = {}
    vera.wait_for_load_state("networkidle")
    pages["Today"] = writing_controls(vera)
    section(vera, "clients/").click()
    expect(vera.locator("#client-results a", has_text="Storm Ltd")).to_be_visible()
    pages["the client list"] = writing_controls(vera)
    vera.locator("#client-results a", has_text="Storm Ltd").click()
    expect(health_panel(vera).locator("li.alert-item")).to_have_count(1)
    pages["a client page"] = writing_controls(vera)
    section(vera, "alerts/").click()
    expect(vera.locator("#alert-results li.alert-item")).to_have_count(1)
    pages["the alerts"] = writing_controls(vera)
    assert pages == {name: [] for name in pages}


# 2 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_logging_by_keyboard_moves_the_health_panel_and_crossing_a_line_raises_an_alert(
    person, language
):
    page = person(language)
    sign_up(page, email="ana@example.com", name="Ana Lima")
    speaks(page, language)
    add_client(page, "Storm Ltd")
    client = Client.objects.get()
    panel = health_panel(page)
    expect(panel.locator(".not-enough-data")).to_be_visible()  # nothing logged: no judgement
    before = panel.inner_text()

    # Into the quick log from the top of the page, then five entries, keys only.
    tab_to(page, "#ql-kind")
    sent = []
    for number, (feeling, billable) in enumerate(
        [(1, True), (0, True), (2, False), (1, True), (0, False)], start=1
    ):
        sent.append(
            log_by_keyboard(
                page,
                summary=f"Entry {number} of the week",
                minutes=15 * number,
                kind_steps=number % 2,
                billable=billable,
                feeling=feeling,
                flags=("late_feedback",) if number == 3 else (),
            )
        )
        expect(panel).not_to_have_text(before)  # the panel follows each entry
        before = panel.inner_text()
    saved = list(Interaction.objects.alive().filter(client=client).order_by("created_at"))
    assert [
        {"kind": i.kind, "minutes": i.minutes, "billable": i.billable, "feeling": i.feeling}
        for i in saved
    ] == sent
    assert [i.summary for i in saved] == [f"Entry {n} of the week" for n in range(1, 6)]
    assert saved[2].flag_late_feedback and not saved[1].flag_late_feedback
    snapshot = HealthSnapshot.objects.filter(client=client).latest("computed_at")
    assert (snapshot.evidence_count, snapshot.confidence) == (5, "low")
    expect(panel.locator(".not-enough-data")).to_contain_text(re.compile(r"(^|\D)5(\D|$)"))

    # The last one was a mistake: undone from its confirmation.
    page.locator("#quick-log-status [role=status] button[type=submit]").click()
    expect(page.locator(f"#entry-{saved[-1].code}")).not_to_contain_text(saved[-1].summary)
    expect(page.locator("#quick-log-status [role=status]")).to_have_count(0)
    expect(panel).not_to_have_text(before)
    assert Interaction.objects.alive().filter(client=client).count() == 4

    # A disrespectful call crosses a line every workspace starts with.
    tab_to(page, "#ql-kind")
    log_by_keyboard(
        page, summary="Insulted the whole team", minutes=20, feeling=-2, flags=("disrespect",)
    )
    alert_here = panel.locator("li.alert-item.severity-critical")
    expect(alert_here).to_be_visible()
    alert = Alert.objects.get(client=client)
    assert (alert.boundary.kind, alert.status) == ("disrespect", AlertStatus.OPEN)

    section(page, "alerts/").click()
    listed = page.locator(f"#alert-results #alert-{alert.code}")
    expect(listed).to_contain_text("Storm Ltd")
    # The alert's buttons share its form: Acknowledge is the one that names no other action.
    acknowledge = 'form[action$="/acknowledge/"] > button[type=submit]:not([formaction])'
    listed.locator(acknowledge).click()
    expect(page.locator(f"#alert-{alert.code}[role=status]")).to_be_visible()
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.handled_by == User.objects.get(email="ana@example.com")
    page.reload()  # it stays listed until resolved, with nothing left to acknowledge
    expect(page.locator(f"#alert-{alert.code}")).to_be_visible()
    expect(page.locator(f"#alert-{alert.code} {acknowledge}")).to_have_count(0)


# 3 ------------------------------------------------------------------------------------------


def _bundle(folder: Path, *, kind: str) -> dict[str, Path]:
    """The sample CSV bundle, made this workspace's (its owner's email), with one
    interaction's kind as given: "meting" is the typo that a spreadsheet lets through."""
    folder.mkdir(exist_ok=True)
    files = {}
    for role in ("clients", "interactions", "invoices"):
        text = (DATA / "interchange" / "good" / f"{role}.csv").read_text("utf-8")
        text = text.replace("owner@example.com", "ana@example.com").replace(
            "member@example.com", ""
        )
        if role == "interactions":
            text = text.replace(",meeting,60,", f",{kind},60,")
        files[role] = folder / f"{role}.csv"
        files[role].write_text(text, "utf-8")
    return files


def _upload_bundle(page: Page, files: dict[str, Path]) -> None:
    form = page.locator("section[aria-labelledby=files-title] form")
    for role, path in files.items():
        form.locator(f"#id_{role}").set_input_files(path)
    submit(form)


def test_importing_a_bundle_after_fixing_it_then_a_toggl_export_then_exporting(person, tmp_path):
    page = person()
    sign_up(page, email="ana@example.com", name="Ana Lima")
    section(page, "imports/").click()

    _upload_bundle(page, _bundle(tmp_path / "first", kind="meting"))
    problems = page.get_by_role("alert")
    expect(problems).to_contain_text("Nothing was saved")
    expect(problems.locator("li")).to_have_count(1)
    expect(problems).to_contain_text("interactions.csv, line 2, column kind")
    expect(problems).to_contain_text("“meting” is not a valid kind. Did you mean “meeting”?")
    assert not Client.objects.exists() and not Interaction.objects.exists()

    page.get_by_role("link", name="Choose other files").click()
    _upload_bundle(page, _bundle(tmp_path / "fixed", kind="meeting"))
    expect(page.get_by_role("alert")).to_have_count(0)
    page.get_by_role("button", name="Import", exact=True).click()
    page.wait_for_url(re.compile(r"/imports/[0-9a-f-]+/$"))
    expect(page.locator("#import-status [role=status]")).to_contain_text("Import done")
    assert set(Client.objects.values_list("name", flat=True)) == {
        "Atlas Logistics",
        "Casa Verde",
        "Padaria Estrela",
    }
    assert (Interaction.objects.count(), Invoice.objects.count()) == (5, 3)

    page.get_by_role("link", name="Back to imports").click()
    page.get_by_label("Detailed report export (CSV)").set_input_files(
        DATA / "trackers" / "toggl.csv"
    )
    submit(page.locator("section[aria-labelledby=tracker-title] form"))
    expect(page.get_by_text("3 work sessions will be added.")).to_be_visible()
    expect(page.get_by_text("New clients, created as active: Nova Cliente")).to_be_visible()
    page.get_by_role("button", name="Import", exact=True).click()
    expect(page.locator("#import-status [role=status]")).to_contain_text(
        "1 client added, 3 interactions added"
    )
    padaria = Client.objects.get(name="Padaria Estrela")  # matched, not created twice
    assert padaria.interactions.filter(kind="work_session").count() == 2
    assert Client.objects.count() == 4 and Interaction.objects.count() == 8

    page.get_by_role("link", name="Back to imports").click()
    with page.expect_download() as download:
        page.locator('main a[href$="/export/"]').click()
    archive = zipfile.ZipFile(download.value.path())
    assert sorted(archive.namelist()) == ["clients.csv", "interactions.csv", "invoices.csv"]
    rows = {
        name.removesuffix(".csv"): list(
            csv.DictReader(io.StringIO(archive.read(name).decode("utf-8-sig")))
        )
        for name in archive.namelist()
    }
    assert {row["name"] for row in rows["clients"]} == set(
        Client.objects.values_list("name", flat=True)
    )
    assert len(rows["interactions"]) == 8 and len(rows["invoices"]) == 3
    assert {row["client"] for row in rows["interactions"]} == {
        "Atlas Logistics",
        "Casa Verde",
        "Padaria Estrela",
        "Nova Cliente",
    }


# 4 ------------------------------------------------------------------------------------------


def test_from_an_alert_a_review_ends_the_relationship_and_a_follow_up_comes(person, clock):
    page = person()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_up(page, email="ana@example.com", name="Ana Lima")
    add_client(page, "Storm Ltd")
    log_on_client_page(page, "Called me useless in front of their team", flags=("disrespect",))
    log_on_client_page(page, "Questioned every line of the invoice", flags=("distrust",))

    go_today(page)
    alert = page.locator("#today-alerts li.alert-item.severity-critical")
    alert.get_by_role("link", name="Storm Ltd").click()
    page.get_by_role("link", name="Review this relationship…").first.click()
    page.get_by_role("button", name="Start the review").click()
    expect(page.locator("h1")).to_have_text("The numbers")
    next_step(page)

    expect(page.locator("h1")).to_have_text("How it feels")
    for field in ("enjoy-1", "dread-5", "change_stress-5", "before_meeting-1"):
        answer(page, field)
    page.fill("#q-feel_notes", "Sunday evenings are ruined by their emails")
    with page.expect_response(lambda r: "/step/" in r.url and r.request.method == "POST"):
        page.locator("#q-feel_notes").blur()  # saved when the field is left (or soon after)
    page.reload()  # a phone that locked, a tab closed by mistake
    for field in ("enjoy-1", "dread-5", "change_stress-5", "before_meeting-1"):
        expect(page.locator(f"#q-{field}")).to_be_checked()
    expect(page.locator("#q-feel_notes")).to_have_value(
        "Sunday evenings are ruined by their emails"
    )
    next_step(page)

    for field in ("terms_clear-yes", "told_them-yes", "trust-no", "aligned-no"):
        answer(page, field)
    next_step(page)
    answer(page, "absorb_loss-yes")
    next_step(page)

    expect(page.locator("#advice-title")).to_be_visible()
    page.locator("label[for=decision-end]").click()
    page.get_by_role("button", name="This is my decision").click()

    message = page.locator("#plan-message")
    expect(message).not_to_be_empty()
    copy = page.get_by_role("button", name="Copy to clipboard")
    copy.click()
    expect(page.get_by_role("button", name="Copied ✓")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()").strip() == message.input_value().strip()

    client = Client.objects.get()
    assert client.status == "offboarding"
    boxes = page.locator("#plan .checklist input[type=checkbox]")
    assert boxes.count() == 5
    for index in range(boxes.count()):
        with page.expect_response(lambda r: "/check/" in r.url):
            boxes.nth(index).check()
    expect(page.locator("#plan [role=status]")).to_contain_text("Storm Ltd has ended")
    client.refresh_from_db()
    assert (client.status, client.ended_by) == ("ended", "we_ended")
    review = Review.objects.get()
    assert review.status == "done" and review.decision == "end"
    follow_up = FollowUp.objects.get()
    assert follow_up.due_on == client.workspace.today() + dt.timedelta(days=14)

    go_today(page)
    expect(page.locator('a[href*="/follow-ups/"]')).to_have_count(0)  # not yet: in two weeks

    clock(days=15)  # two weeks later the session has expired: Ana logs in again
    page.goto(workspace_home(page))
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    log_in(page, "ana@example.com")
    waiting = page.locator("section[aria-labelledby=todo-title]")
    waiting.get_by_role("link", name="Look back on your decision about Storm Ltd").click()
    expect(page.locator("h1")).to_have_text("Looking back on Storm Ltd")
    page.locator("label[for=feeling-5]").click()
    page.locator("label[for=right-yes]").click()
    page.get_by_role("button", name="Save").click()
    follow_up.refresh_from_db()
    assert (follow_up.feeling, follow_up.right_call) == (5, "yes")
    go_today(page)
    expect(page.locator('a[href*="/follow-ups/"]')).to_have_count(0)  # answered


# 5 ------------------------------------------------------------------------------------------


def test_a_client_is_handed_over_through_a_review_to_a_teammate_who_joined(person):
    ana = person()
    sign_up(ana, email="ana@example.com", name="Ana Lima")
    link = invite(ana, email="bruno@example.com", role=Role.MEMBER)
    accept_invitation(person(), link, email="bruno@example.com", name="Bruno Costa")

    go_today(ana)
    add_client(ana, "Meridian")
    log_on_client_page(ana, "Another tense call about the deadline")
    ana.get_by_role("link", name="Review this relationship…").first.click()
    ana.get_by_role("button", name="Start the review").click()
    for _ in range(4):
        next_step(ana)
    expect(ana.locator("#advice-title")).to_be_visible()
    ana.locator("label[for=decision-hand_over]").click()
    ana.get_by_role("button", name="This is my decision").click()
    ana.locator("#hand-to").select_option(label="Bruno Costa")
    ana.fill("#hand-notes", "They like short calls in the morning.")
    ana.get_by_role("button", name="Confirm the hand-over").click()
    expect(ana.get_by_text("Meridian is now looked after by Bruno Costa")).to_be_visible()
    assert "Meridian" in email_to("bruno@example.com", containing="Meridian").body

    client = Client.objects.get()
    bruno_user = User.objects.get(email="bruno@example.com")
    assert client.owner == bruno_user
    assert Review.objects.get().decision == "hand_over"

    bruno = person()  # another day, another browser
    log_in(bruno, "bruno@example.com")
    section(bruno, "clients/").click()
    bruno.locator("#f-owner").select_option(str(bruno_user.pk))  # "my clients"
    expect(bruno.locator("#client-results tbody tr")).to_have_count(1)
    bruno.locator("#client-results a", has_text="Meridian").click()
    expect(bruno.get_by_text("looked after by Bruno Costa")).to_be_visible()
    expect(bruno.locator("#quick-log")).to_be_visible()


# 6 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", list(LANGUAGES))
def test_on_a_phone_nothing_is_cut_off_nothing_scrolls_sideways_and_every_target_is_big_enough(
    person, language
):
    phone = person(language, viewport=PHONE, has_touch=True, is_mobile=True)
    sign_up(phone, email="ana@example.com", name="Ana Lima")
    speaks(phone, language)
    home = workspace_home(phone)
    add_client(phone, "Padaria Estrela")
    client = Client.objects.get()
    client_page = f"{home}clients/{client.code}/"

    # The quick log on a client page: on the first screen, and it logs with taps.
    expect(phone.locator("#ql-kind")).to_be_in_viewport()
    phone.locator("label[for=ql-feeling-4]").tap()
    phone.locator("#ql-summary").fill("Approved the menu at once")
    phone.locator("#quick-log button[type=submit]").tap()
    expect(phone.locator("#quick-log-status [role=status]")).to_be_visible()
    # …and on Today, where the client is typed (a rude answer: Today and the client page have
    # an alert to show, with its buttons).
    phone.goto(home)
    phone.locator("#ql-client").fill("Padaria Estrela")
    phone.locator("label[for=ql-flag-disrespect]").tap()
    phone.locator("#ql-summary").fill("Mocked the photos in the group chat")
    phone.locator("#quick-log button[type=submit]").tap()
    expect(phone.locator("#quick-log-status [role=status]")).to_be_visible()
    assert Interaction.objects.count() == 2
    phone.reload()
    expect(phone.locator("#today-alerts li.alert-item")).to_have_count(1)

    problems = {}
    for label, address in (
        ("Today", home),
        ("the portfolio", f"{home}portfolio/"),
        ("a client page", client_page),
    ):
        phone.goto(address)
        phone.wait_for_load_state("networkidle")  # the client page's health panel comes after
        found = {
            "scrolls sideways by": max(sideways_overflow(phone), 0),
            "cut off": cut_off(phone),
            "targets under 24 px": small_targets(phone),
        }
        found = {what: value for what, value in found.items() if value}
        if found:
            problems[label] = found
        # The quick log itself (Today's and the client page's): every label and field of it
        # whole within the screen's width.
        controls = phone.locator(
            "#quick-log :is(label, select, button, input:not([type=hidden]):not(.btn-check))"
        )
        beyond = [
            f"{control.evaluate('e => e.id || e.htmlFor || e.name')}: {box}"
            for control in controls.all()
            if (box := control.bounding_box())
            and (box["x"] < 0 or box["x"] + box["width"] > PHONE["width"])
        ]
        if beyond:
            problems.setdefault(label, {})["quick log beyond the screen"] = beyond
    assert problems == {}, f"in {language}"
