"""What a person does in Clientwise, step by step through the UI, in any of its languages: the
steps find controls by their ids, names, roles and addresses, never by their English words."""

from __future__ import annotations

import re
import time

from django.core import mail
from playwright.sync_api import Locator, Page, expect

PASSWORD = "a-long-passphrase-9"

# language -> (the browser's locale, which sends it as Accept-Language; the page's <html lang>)
LANGUAGES = {"en": ("en-US", "en"), "pt-br": ("pt-BR", "pt-BR"), "es": ("es-ES", "es")}

# The quick log's feelings, in the order of its radio buttons (ql-feeling-1 … ql-feeling-5).
FEELINGS = (-2, -1, 0, 1, 2)


def open_browser(new_context, live_server, language: str = "en", **context_args) -> Page:
    """A person's own browser (cookies of their own), set to `language`."""
    locale, _lang = LANGUAGES[language]
    page = new_context(locale=locale, **context_args).new_page()
    page.set_default_timeout(10_000)
    page.base_url = live_server.url
    return page


def speaks(page: Page, language: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", LANGUAGES[language][1])


def workspace_home(page: Page) -> str:
    """The address of the workspace the page is in, /w/<slug>/, made absolute."""
    slug = re.search(r"/w/([^/]+)/", page.url).group(1)
    return f"{page.base_url}/w/{slug}/"


def section(page: Page, path: str) -> Locator:
    """A link of the main navigation, by the end of its address ("alerts/", "members/")."""
    return page.locator(f'nav.cw-sections a[href$="/{path}"]')


def go_today(page: Page) -> None:
    """The first section of the navigation, the workspace's home."""
    path = re.search(r"/w/[^/]+/", page.url).group(0)
    page.locator(f'nav.cw-sections a[href="{path}"]').click()
    page.wait_for_url(re.compile(rf"{path}$"))


def submit(form: Locator) -> None:
    form.locator("button[type=submit]").first.click()


def sign_up(page: Page, *, email: str, name: str) -> None:
    """The sign-up form, filled and sent. An invited person arrives with the email filled in."""
    if "/accounts/signup/" not in page.url:
        page.goto(f"{page.base_url}/accounts/signup/")
    email_field = page.locator("#id_email")
    if email_field.input_value() != email:
        email_field.fill(email)
    page.fill("#id_name", name)
    page.fill("#id_password1", PASSWORD)
    page.fill("#id_password2", PASSWORD)
    submit(page.locator("main form"))
    page.wait_for_url(re.compile(r"/w/[^/]+/$"))


def log_in(page: Page, email: str) -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/w/[^/]+/$"))


def email_to(address: str, *, containing: str = "", wait: float = 5.0):
    """The newest email sent to `address` (the task queue sends on commit: allow it a moment)."""
    deadline = time.monotonic() + wait
    while True:
        sent = [m for m in mail.outbox if address in m.to and containing in m.body]
        if sent:
            return sent[-1]
        if time.monotonic() > deadline:
            raise AssertionError(f"No email to {address} containing {containing!r}")
        time.sleep(0.1)


def invitation_link(address: str) -> str:
    body = email_to(address, containing="/invitations/").body
    return re.search(r"https?://\S+/invitations/[^/\s]+/", body).group(0)


def invite(page: Page, *, email: str, role: str) -> str:
    """Invite someone from the Members page; the link, as the emailed invitation gives it."""
    section(page, "members/").click()
    invitations = page.locator("#invitations")
    invitations.locator("#id_email").fill(email)
    invitations.locator("#id_role").select_option(role)
    submit(invitations.locator("form").first)
    expect(page.locator("#invitations li", has_text=email)).to_be_visible()
    return invitation_link(email)


def accept_invitation(page: Page, link: str, *, email: str, name: str) -> None:
    """From the emailed link: the invitation, then the sign-up form, then the workspace."""
    page.goto(link)
    page.locator('main a[href^="/accounts/signup/"]').click()
    expect(page.locator("#id_email")).to_have_value(email)
    sign_up(page, email=email, name=name)


def add_client(page: Page, name: str) -> None:
    """From Today (or any page with the link), the client form; ends on the client's page."""
    page.locator('main a[href$="/clients/new/"]').first.click()
    page.fill("#id_name", name)
    submit(page.locator("main form"))
    expect(page.locator("h1")).to_have_text(name)
    health_panel(page)


def health_panel(page: Page) -> Locator:
    """The client page's health panel, once it has loaded (it comes after the page)."""
    panel = page.locator("section#health-panel")
    expect(panel).to_be_visible()
    return panel


def log_on_client_page(page: Page, summary: str, *, flags: tuple[str, ...] = ()) -> None:
    """A quick entry by pointer (the keyboard's way is `log_by_keyboard`)."""
    for flag in flags:
        page.locator(f"label[for=ql-flag-{flag}]").click()
    page.fill("#ql-summary", summary)
    submit(page.locator("#quick-log"))
    expect(page.locator("#timeline-items li").first).to_contain_text(summary)


def tab_to(page: Page, selector: str, *, most: int = 80) -> int:
    """Press Tab until the element `selector` has the focus; how many presses it took."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement.matches(s)", selector):
            return presses
    raise AssertionError(f"{selector} is not reached with {most} presses of Tab")


def focused_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


def log_by_keyboard(
    page: Page,
    *,
    summary: str,
    minutes: int,
    kind_steps: int = 0,
    billable: bool = False,
    feeling: int | None = None,
    flags: tuple[str, ...] = (),
) -> dict:
    """One entry in the quick log from its first field (the focus is there), keys only: arrows
    in the kind, digits in the minutes, Space on the billable box, arrows among the feelings,
    Space on the flags, typing the summary, Enter. Returns what the form held when sent."""
    assert focused_id(page) == "ql-kind"
    for _ in range(kind_steps):
        page.keyboard.press("ArrowDown")
    kind = page.locator("#ql-kind").input_value()
    page.keyboard.press("Tab")
    assert focused_id(page) == "ql-minutes"
    page.keyboard.press("Control+a")
    page.keyboard.type(str(minutes))
    page.keyboard.press("Tab")
    assert focused_id(page) == "ql-billable"
    if page.locator("#ql-billable").is_checked() != billable:
        page.keyboard.press("Space")
    page.keyboard.press("Tab")  # into the feelings, on the first of them
    assert focused_id(page) == "ql-feeling-1"
    if feeling is not None:
        steps = FEELINGS.index(feeling)
        if steps == 0:
            page.keyboard.press("Space")
        for _ in range(steps):
            page.keyboard.press("ArrowRight")  # moves and chooses
    page.keyboard.press("Tab")
    while (current := focused_id(page)).startswith("ql-flag-"):
        if current.removeprefix("ql-flag-") in flags:
            page.keyboard.press("Space")
        page.keyboard.press("Tab")
    assert current == "ql-summary", current
    page.keyboard.type(summary)
    page.keyboard.press("Enter")
    expect(page.locator("#timeline-items li").first).to_contain_text(summary)
    expect(page.locator("#quick-log-status [role=status]")).to_be_visible()
    expect(page.locator("#ql-kind")).to_be_focused()  # ready for the next one
    return {"kind": kind, "minutes": minutes, "billable": billable, "feeling": feeling}


def answer(page: Page, field: str) -> None:
    """A review answer (a label for=q-<field>), waiting until the server has saved it."""
    with page.expect_response(lambda r: "/step/" in r.url and r.request.method == "POST"):
        page.locator(f"label[for=q-{field}]").click()


def next_step(page: Page) -> None:
    page.locator("button[name=go][value=next]").click()
