import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

CATALOGS = sorted(Path(settings.LOCALE_PATHS[0]).glob("*/LC_MESSAGES/django.po"))
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]")


def test_both_languages_have_a_catalog():
    assert {path.parts[-3] for path in CATALOGS} == {"en", "zh_Hans"}


@pytest.mark.parametrize("path", CATALOGS, ids=lambda path: path.parts[-3])
def test_catalog_is_complete_and_keeps_every_placeholder(path):
    catalog = polib.pofile(str(path))
    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    for entry in catalog.translated_entries():
        translations = [entry.msgstr] if not entry.msgid_plural else entry.msgstr_plural.values()
        expected = set(PLACEHOLDER.findall(entry.msgid + (entry.msgid_plural or "")))
        for text in translations:
            assert set(PLACEHOLDER.findall(text)) <= expected, entry.msgid
            if not entry.msgid_plural:
                assert set(PLACEHOLDER.findall(text)) == expected, entry.msgid
        if entry.msgid_plural and len(translations) == 1:
            # One form for every count (Chinese): it must say what the plural says, the count
            # included ("compare these 3", not "compare this one").
            plural = set(PLACEHOLDER.findall(entry.msgid_plural))
            assert set(PLACEHOLDER.findall(next(iter(translations)))) == plural, entry.msgid


def test_chinese_interface_from_accept_language(client, seeded):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert '<html lang="zh-hans">' in response.text
    assert "排行榜" in response.text
    assert "Django" in response.text  # seed text is shown as written


def test_english_interface_from_accept_language(client, seeded):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="en">' in response.text
    assert "Ranking" in response.text
    assert "排行榜" not in response.text
