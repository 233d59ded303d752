"""The three languages are complete, and the committed .mo files are what the .po files say."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted((ROOT / "locale").glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{\{\s*\w+\s*\}\}|</?\w+[^>]*>")


def test_both_languages_have_a_catalogue():
    assert {po.parent.parent.name for po in CATALOGUES} == {"pt_BR", "es"}


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_every_entry_is_translated_and_none_is_fuzzy(path):
    catalogue = polib.pofile(str(path))
    assert [e.msgid for e in catalogue.untranslated_entries()] == []
    assert [e.msgid for e in catalogue.fuzzy_entries()] == []
    assert [e.msgid for e in catalogue.obsolete_entries()] == []


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_translations_keep_every_placeholder(path):
    for entry in polib.pofile(str(path)).translated_entries():
        expected = sorted(PLACEHOLDER.findall(entry.msgid))
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            found = sorted(PLACEHOLDER.findall(translation))
            # A singular may spell out "one" instead of the count placeholder.
            assert set(found) <= set(expected) | set(PLACEHOLDER.findall(entry.msgid_plural))
            if not entry.msgid_plural:
                assert found == expected, entry.msgid


def _messages(entries):
    result = {}
    for entry in entries:
        if not entry.msgid:
            continue  # the header
        key = (entry.msgctxt, entry.msgid, entry.msgid_plural or None)
        value = (
            tuple(entry.msgstr_plural[i] for i in sorted(entry.msgstr_plural))
            if entry.msgid_plural
            else entry.msgstr
        )
        result[key] = value
    return result


@pytest.mark.parametrize("path", CATALOGUES, ids=lambda p: p.parent.parent.name)
def test_the_committed_mo_file_matches_its_po_file(path):
    assert path.with_suffix(".mo").exists(), "compile with `make compile-messages` and commit"
    po = polib.pofile(str(path))
    mo = polib.mofile(str(path.with_suffix(".mo")))
    assert _messages(mo) == _messages(po.translated_entries())


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="needs GNU gettext (xgettext)")
def test_the_catalogues_hold_every_translatable_string_of_the_code(tmp_path):
    """Extract the strings afresh into a copy of the project and compare with the catalogues."""
    for name in (
        "manage.py",
        "config",
        "accounts",
        "portfolio",
        "assessments",
        "reviews",
        "audit",
        "home",
        "templates",
        "locale",
    ):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(source, tmp_path / name)
    subprocess.run(
        [
            sys.executable,
            "manage.py",
            "makemessages",
            "--no-obsolete",
            "--no-location",
            "-l",
            "pt_BR",
            "-l",
            "es",
        ],
        cwd=tmp_path,
        check=True,
        capture_output=True,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "config.test_settings"},
    )
    for path in CATALOGUES:
        fresh = polib.pofile(str(tmp_path / path.relative_to(ROOT)))
        committed = polib.pofile(str(path))
        missing = {e.msgid for e in fresh} - {e.msgid for e in committed}
        assert not missing, f"run `make messages` and translate: {sorted(missing)}"
