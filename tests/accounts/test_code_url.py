"""`{% code_url %}` gives the address `{% url %}` gives, for every code and workspace."""

from __future__ import annotations

import uuid

import pytest
from django.template import engines
from django.urls import NoReverseMatch, reverse

from accounts.templatetags.addresses import code_address

NAMES = [
    ("assessments:alert_action", {"ws": "acme", "action": "snooze"}),
    ("assessments:alert_action", {"ws": "other-co", "action": "resolve"}),
    ("portfolio:client_detail", {"ws": "acme"}),
    ("portfolio:interaction_delete", {"ws": "acme"}),
]


@pytest.mark.parametrize(("name", "kwargs"), NAMES)
def test_the_address_is_the_reversed_one(name, kwargs):
    for code in (uuid.uuid4(), uuid.uuid4(), uuid.UUID(int=0)):
        assert code_address(name, code, **kwargs) == reverse(name, kwargs=kwargs | {"code": code})


def test_the_tag_reads_like_url_and_escapes():
    code = uuid.uuid4()
    template = engines["django"].from_string(
        "{% load addresses %}{% code_url 'portfolio:client_detail' ws=slug code=code as a %}"
        "[{{ a }}]{% code_url 'portfolio:client_detail' ws=slug code=code %}"
    )
    expected = reverse("portfolio:client_detail", kwargs={"ws": "acme", "code": code})
    assert template.render({"slug": "acme", "code": code}) == f"[{expected}]{expected}"


def test_a_code_that_is_no_uuid_is_refused_as_reverse_refuses_it():
    with pytest.raises(NoReverseMatch):
        code_address("portfolio:client_detail", "not-a-code", ws="acme")


def test_an_address_without_a_code_is_refused():
    with pytest.raises(NoReverseMatch):
        code_address("assessments:boundaries", uuid.uuid4(), ws="acme")
