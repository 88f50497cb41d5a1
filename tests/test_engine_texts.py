"""The engine's texts come from the gettext catalogue, like the interface's: every message has its
Chinese, none is written in two languages by hand, and a third language is only a catalogue."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from app import decision
from app.decision import text as text_module
from app.decision.text import Text
from app.web import i18n
from tests.helpers import finish, html

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "locales" / "zh" / "LC_MESSAGES" / "messages.po"
ENGINE = ("app/decision", "app/training", "app/evals", "app/datasets", "app/costs")
# The extraction keywords of `make extract-messages` for engine texts.
KEYWORDS = {"Text": None, "in_context": ((1, "c"), 2), "plural": (1, 2), "N_": None}


def _script():
    path = ROOT / "scripts" / "engine_texts_to_catalogue.py"
    spec = importlib.util.spec_from_file_location("engine_texts_to_catalogue", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _engine_messages() -> list[tuple[str | None, str | tuple[str, str], str]]:
    """(context, msgid, where) of every message an engine module declares, as pybabel sees it."""
    found = []
    for package in ENGINE:
        for filename, _, message, _, context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords=KEYWORDS,
            comment_tags=(),
        ):
            found.append((context, message, f"{package}/{filename}"))
    return found


# --- One way to write an engine text ---------------------------------------------------------


def test_no_engine_text_is_written_in_two_languages():
    """A `Text("English", "中文")` (or a helper's (en, zh) pair) left in app/ is what
    scripts/engine_texts_to_catalogue.py converts: run it after merging."""
    script = _script()
    left = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        conversions, manual = script.scan(path)
        left += [f"{c.path.relative_to(ROOT)}: {c.msgid[:60]!r}" for c in conversions]
        left += [f"{m.path.relative_to(ROOT)}:{m.line}: {m.why}" for m in manual]
    assert left == [], "run `.venv/bin/python scripts/engine_texts_to_catalogue.py`:\n" + "\n".join(
        left
    )


def test_the_script_names_placeholders_and_keeps_percent_signs(tmp_path):
    """What the rewrite makes of an f-string pair: the same expression named once, a Text's
    .en/.zh as the Text itself, a % out of Babel's %-format check, one msgid for a concatenation."""
    script = _script()
    module = tmp_path / "app" / "m.py"
    module.parent.mkdir()
    module.write_text(
        "x = Text(\n"
        '    f"Ahead of {label.en} by {lead:.2f} on {n:,} cases "\n'
        '    "(95% sure).",\n'
        '    f"在 {n:,} 个案例上领先「{label.zh}」{lead:.2f}（95% 把握）。",\n'
        ")\n"
        'y = _o("no", "No", "没有")\n'
    )
    conversions, manual = script.scan(module)
    assert manual == []
    assert [(c.msgid, c.msgstr, c.source) for c in conversions] == [
        (
            "Ahead of {label} by {lead:.2f} on {n:,} cases (95{percent} sure).",
            "在 {n:,} 个案例上领先「{label}」{lead:.2f}（95{percent} 把握）。",
            'Text("Ahead of {label} by {lead:.2f} on {n:,} cases (95{percent} sure).", '
            'label=label, lead=lead, n=n, percent="%")',
        ),
        ("No", "没有", 'Text("No")'),
    ]


def test_a_pair_only_one_language_can_fill_is_left_for_a_hand_rewrite(tmp_path):
    script = _script()
    module = tmp_path / "app" / "m.py"
    module.parent.mkdir()
    module.write_text('x = Text(f"{head_en} more", f"{head_zh}更多")\ny = Text(a + b, c)\n')
    conversions, manual = script.scan(module)
    assert conversions == []
    assert [(m.line, m.why) for m in manual] == [
        (1, "placeholder {head_zh} only in zh"),
        (2, "built from BinOp and Name"),
    ]


# --- Every engine message is translated -----------------------------------------------------


def test_every_engine_message_has_a_chinese_translation():
    with PO.open("rb") as f:
        catalogue = read_po(f)
    messages = _engine_messages()
    assert len(messages) > 700  # the engine's texts are found at all
    missing = []
    for context, message, where in messages:
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalogue.get(msgid, context=context)
        if entry is None or not all(
            entry.string if isinstance(entry.string, tuple) else [entry.string]
        ):
            missing.append(f"{where}: {context!r} {msgid[:70]!r} has no Chinese")
        elif entry.fuzzy:
            missing.append(f"{where}: {msgid[:70]!r} is fuzzy")
    assert missing == []


def test_engine_texts_read_the_catalogue():
    """The Chinese comes from the compiled catalogue, placeholders filled in each language."""
    assert decision.QUESTIONS["task_type"].name.get("zh") == "任务类型"
    assert decision.QUESTIONS["task_type"].name.get("en") == "task type"
    label = decision.APPROACHES["rag"].label
    ahead = Text("Ahead of “{label}” by {lead:.2f}", label=label, lead=0.256)
    assert ahead.get("en") == f"Ahead of “{label.get('en')}” by 0.26"
    assert label.get("zh") != label.get("en")
    # A message the catalogue lacks is English in every language, never an error.
    assert Text("not in any catalogue {x}", x=3).get("zh") == "not in any catalogue 3"
    assert Text("No").to_dict() == {"en": "No", "zh": "否"}
    assert Text.in_context("needs_citations", "No").to_dict() == {"en": "No", "zh": "不需要"}


def test_joins_read_as_each_language_writes_a_list():
    names = [Text.verbatim(n) for n in ("OpenAI", "Mistral", "Cohere")]
    comma = Text("{items}, {item}")  # msgid of text.LIST
    assert Text.join(names, comma).to_dict() == {
        "en": "OpenAI, Mistral, Cohere",
        "zh": "OpenAI、Mistral、Cohere",
    }
    assert Text.join([], comma).get("en") == ""
    assert Text.join(names[:1], comma).get("zh") == "OpenAI"


def test_plural_follows_the_count():
    one = Text.plural(
        "{n} open answer could change this: {names}.",
        "{n} open answers could change this: {names}.",
        1,
        names=Text.verbatim("X"),
    )
    two = Text.plural(
        "{n} open answer could change this: {names}.",
        "{n} open answers could change this: {names}.",
        2,
        names=Text.verbatim("X"),
    )
    assert one.get("en") == "1 open answer could change this: X."
    assert two.get("en") == "2 open answers could change this: X."
    assert two.get("zh") == "有 2 个尚未确定的答案可能改变结论：X。"


def test_the_interface_languages_are_the_engine_languages():
    """A verdict is stored in every engine language; the pages offer the same ones."""
    assert tuple(i18n.LANGUAGES) == text_module.LANGUAGES
    assert set(i18n.HTML_LANG) == set(i18n.BABEL_LOCALE) == set(text_module.LANGUAGES)


# --- A third language is a catalogue --------------------------------------------------------


@pytest.fixture
def french(tmp_path, monkeypatch):
    """French registered as a third language, with a catalogue of three entries; the Chinese
    catalogue next to it as built."""
    locales = tmp_path / "locales"
    zh = locales / "zh" / "LC_MESSAGES"
    zh.mkdir(parents=True)
    shutil.copy(ROOT / "locales" / "zh" / "LC_MESSAGES" / "messages.mo", zh / "messages.mo")
    catalogue = Catalog(locale="fr")
    catalogue.add("task type", "type de tâche")
    catalogue.add("{items}, {item}", "{items} ; {item}")
    for approach in decision.APPROACHES.values():
        catalogue.add(approach.label.msgid, "FR " + approach.label.msgid)
    fr = locales / "fr" / "LC_MESSAGES"
    fr.mkdir(parents=True)
    with (fr / "messages.mo").open("wb") as f:
        write_mo(f, catalogue)
    monkeypatch.setattr(text_module, "LOCALES_DIR", locales)
    monkeypatch.setattr(text_module, "LANGUAGES", (*text_module.LANGUAGES, "fr"))
    monkeypatch.setitem(i18n.LANGUAGES, "fr", "Français")
    monkeypatch.setitem(i18n.HTML_LANG, "fr", "fr")
    monkeypatch.setitem(i18n.BABEL_LOCALE, "fr", "fr")
    text_module.translations.cache_clear()
    yield
    text_module.translations.cache_clear()


def test_a_third_language_reads_its_catalogue_and_falls_back_to_english(french):
    name = decision.QUESTIONS["task_type"].name
    assert name.to_dict() == {"en": "task type", "zh": "任务类型", "fr": "type de tâche"}
    # Not in the French catalogue: English, not Chinese and not an error.
    label = decision.QUESTIONS["task_type"].label
    assert label.get("fr") == label.get("en") == "What should the model do?"
    names = [Text.verbatim(n) for n in ("A", "B")]
    assert Text.join(names, Text("{items}, {item}")).get("fr") == "A ; B"


def test_a_third_language_verdict_page_and_exports_answer(french, client):
    token = finish(client)
    markdown = client.get(f"/a/{token}/export.md?lang=fr")
    assert markdown.status_code == 200
    english = client.get(f"/a/{token}/export.md?lang=en").text
    # The verdict was stored with its French texts: the approaches' names are French (the
    # catalogue has them), the other engine texts English (it hasn't).
    shown = [
        a.label.get("en") for a in decision.APPROACHES.values() if a.label.get("en") in english
    ]
    assert shown
    for label in shown:
        assert f"FR {label}" in markdown.text
    in_french = client.get(f"/a/{token}/export.json?lang=fr")
    assert in_french.status_code == 200
    in_english = client.get(f"/a/{token}/export.json?lang=en").json()
    assert in_french.json()["verdict"]["summary"] == in_english["verdict"]["summary"]
    page = client.get(f"/a/{token}?lang=fr")
    assert page.status_code == 200
    assert html(page).html["lang"] == "fr"
    assert client.get(f"/a/{token}/export.pdf?lang=fr").status_code == 200
