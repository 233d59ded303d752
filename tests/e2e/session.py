"""Signing in through the login page, as a person would (the first submit button of the page
is the language switcher: Enter submits the login form)."""

from __future__ import annotations

import re

from playwright.sync_api import Page


def sign_in(page: Page, email: str, password: str, lands: str = r"/w/") -> None:
    page.goto(f"{page.base_url}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", password)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(lands))
