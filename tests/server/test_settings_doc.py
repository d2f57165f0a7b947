"""The settings reference in docs/ is generated from the settings object and kept current."""

from __future__ import annotations

from chat.settings import Settings
from server.settings_doc import DOC_PATH, GROUPS, render


def test_docs_settings_md_is_what_the_settings_object_says() -> None:
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "stale: run python -m server.settings_doc"


def test_every_setting_is_in_exactly_one_group_with_a_description() -> None:
    grouped = [name for _, group in GROUPS for name in group.__annotations__ if name in group.model_fields]
    assert sorted(grouped) == sorted(Settings.model_fields), "a setting outside the documented groups"
    assert all(Settings.model_fields[name].description for name in grouped), "a setting without a description"
