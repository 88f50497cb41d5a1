"""The chat summary cuts its longest item a word at a time (app/web/export.py, `shorten`).

A Chinese item ending in a closing bracket once came back unchanged, and the summary's loop turned
forever: the verdict page of such an assessment, in Chinese, never answered."""

from hypothesis import given
from hypothesis import strategies as st

from app.web.export import shorten, summary_words

# What items are made of: Chinese characters, Latin letters and digits, spaces, and the marks
# an item can end with (brackets, commas, full stops, colons, the ellipsis itself).
PIECES = st.text(
    alphabet=st.sampled_from(list("中文字段步骤答案ab9 　（）(),，、。.：:；;…-")), max_size=40
)


def test_a_chinese_item_ending_in_a_bracket_loses_the_bracket() -> None:
    item = "如果答案有固定的版式（若干字段、编号步骤、最终答案）…"
    assert shorten(item) == "如果答案有固定的版式（若干字段、编号步骤、最终答案…"
    assert shorten(shorten(item)) == "如果答案有固定的版式（若干字段、编号步骤、最终…"


def test_words_go_one_at_a_time() -> None:
    assert shorten("Describe the format or style explicitly.") == "Describe the format or style…"
    assert shorten("改写、总结和根据给定上下文回答。") == "改写、总结和根据给定上下文…"
    assert shorten("用 JSON Schema 要求") == "用 JSON Schema…"  # two characters, one word
    assert shorten("用 JSON Schema 要求它") == "用 JSON Schema 要…"
    assert shorten("…") == shorten("") == "…"


@given(PIECES)
def test_every_cut_shortens_what_is_left_so_cutting_ends(text: str) -> None:
    body = text.rstrip("…").rstrip("。.")
    cut = shorten(text)
    assert cut.endswith("…")
    assert body.startswith(cut[:-1])
    if body.strip():
        assert len(cut) - 1 < len(body)
    # Cutting again and again reaches "…" in at most as many steps as there are characters.
    steps = 0
    while cut != "…":
        cut, steps = shorten(cut), steps + 1
        assert steps <= len(text)
    assert summary_words(cut) == 1
