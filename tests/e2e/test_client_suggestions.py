"""The quick log's client field in a workspace of many clients: the page brings the latest
ones, and what is typed brings the rest."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from accounts.services import user_sign_up
from portfolio.models import Interaction
from tests.e2e.session import sign_in
from tests.factories import ClientFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_typing_a_name_not_in_the_first_list_brings_it_and_logs_with_it(page: Page):
    user, workspace = user_sign_up(
        email="ana@example.com", password="long-passphrase-1", name="Ana"
    )
    for n in range(80):
        ClientFactory(workspace=workspace, name=f"Client {n:03d}", owner=user)
    sign_in(page, "ana@example.com", "long-passphrase-1", lands=r"/w/ana/$")
    options = page.locator("#ql-client-names option")
    expect(options).to_have_count(50)
    assert page.locator('#ql-client-names option[value="Client 077"]').count() == 0

    page.get_by_label("Client", exact=True).press_sequentially("077", delay=30)
    expect(options).to_have_count(1)
    expect(options.first).to_have_attribute("value", "Client 077")

    page.get_by_label("Client", exact=True).fill("Client 077")
    page.get_by_role("button", name="Log it").click()
    expect(page.locator("#quick-log-status")).to_contain_text("Client 077")
    assert Interaction.objects.get().client.name == "Client 077"
    # The renewed form's field asks again: the list was not sent with the answer.
    page.get_by_label("Client", exact=True).press_sequentially("Client 01", delay=30)
    expect(options).to_have_count(10)
