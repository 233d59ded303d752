"""A choice's label reads as Django's own `get_FOO_display` reads it, in the reader's language."""

import pytest
from django.apps import apps
from django.db import models
from django.utils import translation

from accounts.display import ChoiceLabels
from accounts.models import Membership


def _choice_fields():
    for model in apps.get_models():
        if issubclass(model, ChoiceLabels):
            for field in model._meta.concrete_fields:
                if field.choices:
                    yield model, field


def test_the_models_that_show_labels_on_busy_pages_use_the_one_dictionary():
    names = {model.__name__ for model, _field in _choice_fields()}
    assert {"Alert", "Boundary", "Client", "HealthSnapshot", "Interaction", "Membership"} <= names


@pytest.mark.parametrize("language", ["en", "pt-br", "es"])
def test_every_label_is_the_one_django_gives(language):
    with translation.override(language):
        for model, field in _choice_fields():
            instance = model()
            for value, _label in field.flatchoices:
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                assert ours == models.Model._get_FIELD_display(instance, field), (model, value)


def test_a_label_follows_the_language_of_each_reading_and_an_unknown_value_reads_as_itself():
    membership = Membership(role="viewer")
    with translation.override("pt-br"):
        assert membership.get_role_display() == "Leitor"
    with translation.override("es"):
        assert membership.get_role_display() == "Lector"
    with translation.override("en"):
        assert membership.get_role_display() == "Viewer"
    membership.role = "someone else"
    assert membership.get_role_display() == "someone else"
