"""Review r2's wording and markup defects, page by page, in English and Chinese: a missing sample
size worded as the verdict words it (12), the earlier-comments page with none (16), the rules
version as written (17), Chinese punctuation around links, citations and sentences (10, 13),
and the insights' team names whole (14)."""

import pytest

from app import decision
from tests import dataset_files as files
from tests import eval_files as ef
from tests.helpers import PRODUCT_SPECS, REFUND_BOT, answer_all, finish, html, start

# REFUND_BOT has a baseline (95%) and no sample size for it.
assert REFUND_BOT["baseline_accuracy"] and "baseline_sample_size" not in REFUND_BOT

NOT_GIVEN = {"en": "Not given", "zh": "没有填写"}


def answers_shown(page, rows: str = ".answers") -> dict[str, str]:
    return {
        dt.get_text(strip=True): dd.get_text(strip=True)
        for dt, dd in zip(page.select(f"{rows} dt"), page.select(f"{rows} dd"), strict=True)
    }


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_review_and_compare_word_a_missing_sample_size_as_not_given(client, lang):
    token = start(client)
    answer_all(client, token, REFUND_BOT)
    shown = answers_shown(html(client.get(f"/d/{token}/review?lang={lang}")))
    questions = decision.QUESTIONS
    assert shown[questions["baseline_accuracy"].label.get(lang)] == "95%"
    assert shown[questions["baseline_sample_size"].label.get(lang)] == NOT_GIVEN[lang]
    a, b = finish(client), finish(client, "Specs", answers=PRODUCT_SPECS)
    page = html(client.get(f"/compare/{a}/{b}?lang={lang}"))
    row = page.select_one('tr[data-question="baseline_sample_size"]')
    assert [td.get_text() for td in row.select("td")] == [NOT_GIVEN[lang]] * 2
    # A missing baseline is still "not measured", capitalised like the other answers.
    row = page.select_one('tr[data-question="baseline_accuracy"]')
    assert [td.get_text() for td in row.select("td")] == [
        "95%",
        {"en": "Not measured", "zh": "未测量"}[lang],
    ]


@pytest.mark.parametrize(
    ("lang", "none_yet", "none_before"),
    [
        ("en", "No comments yet.", "There are no earlier comments."),
        ("zh", "还没有评论。", "没有更早的评论。"),
    ],
)
def test_earlier_comments_page_with_none_says_so(client, lang, none_yet, none_before):
    token = finish(client)
    page = html(client.get(f"/a/{token}/comments?lang={lang}"))
    assert page.select_one("#comments-empty").get_text() == none_yet
    assert page.select("ol.comment-list") == []
    page = html(client.get(f"/a/{token}/comments?before=1&lang={lang}"))
    assert page.select_one("#comments-empty").get_text() == none_before
    client.post(f"/a/{token}/comments", data={"author": "Ana", "text": "Looks right."})
    page = html(client.get(f"/a/{token}/comments?lang={lang}"))
    assert page.select_one("#comments-empty") is None
    assert len(page.select("ol.comment-list > li")) == 1


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_how_we_decide_writes_the_rules_version_as_everywhere_else(client, lang):
    page = html(client.get(f"/how-we-decide?lang={lang}"))
    version = page.select_one(".eyebrow .as-written")
    assert version.get_text() == decision.RULES_VERSION
    assert decision.RULES_VERSION != decision.RULES_VERSION.upper()


def test_compare_joins_its_sentences_without_a_space_in_chinese(client):
    a, b = finish(client), finish(client, "Specs", answers=PRODUCT_SPECS)
    outcome = {
        lang: html(client.get(f"/compare/{a}/{b}?lang={lang}"))
        .select_one(".compare-outcome")
        .get_text(strip=True)
        for lang in ("en", "zh")
    }
    differing = outcome["en"].split(". ")[1].split()[0]
    assert outcome["en"] == (
        f"The two verdicts recommend different approaches. {differing} answers differ."
    )
    assert outcome["zh"] == f"两份结论推荐的做法不同。有 {differing} 个回答不同。"


def test_citations_use_chinese_punctuation_in_chinese(client):
    page = {lang: html(client.get(f"/how-we-decide?lang={lang}")) for lang in ("en", "zh")}
    source = next(s for s in decision.SOURCES.values() if s.author)
    links = {
        lang: next(a for a in page[lang].select("a.source") if a["href"] == source.url)
        for lang in page
    }
    assert links["en"].get_text() == f"{source.author}, {source.title} ({source.year})"
    title = links["zh"].select_one("cite").get_text()
    assert links["zh"].get_text() == f"{source.author}，{title}（{source.year}）"


def test_dataset_report_ends_its_sentences_after_links_in_chinese(client):
    posted = client.post(
        "/datasets/check",
        params={"lang": "zh"},
        files={"file": ("train.jsonl", files.near_duplicates(300, share=0.4))},
    )
    assert posted.status_code == 303
    page = html(client.get(posted.headers["location"]))
    link = next(a for a in page.select("a.source") if "aclanthology.org/2022" in a["href"])
    # The method's second sentence follows the full stop with no space, as Chinese runs on.
    assert str(link.next_sibling) == (
        "。完全重复与近似重复都忽略大小写和连续空白：只在这两方面不同的副本算作完全重复。"
    )
    assert link.previous_sibling.endswith("这一阈值来自 ")
    sources = page.select("a.source")[-1]
    assert str(sources.next_sibling) == "。"
    assert str(sources.previous_sibling.previous_sibling.next_sibling) == "；"


def test_eval_report_p_values_in_chinese_brackets_kept_whole(client):
    latest = [(f"t{i:02d}", ef.PASS if i < 46 else ef.FAIL, "is-json") for i in range(50)]
    earlier = [(f"t{i:02d}", ef.PASS if i < 40 else ef.FAIL, "is-json") for i in range(50)]
    response = client.post(
        "/evals/check",
        params={"lang": "zh"},
        files=[
            ("previous", ("v1.json", ef.build("promptfoo_json", earlier))),
            ("file", ("v2.json", ef.build("promptfoo_json", latest))),
        ],
    )
    page = html(response)
    cells = page.select('section[aria-labelledby="runs-heading"] tbody tr td:last-child')
    assert cells[0].get_text() == "—"
    p = cells[1].select_one("span.num").get_text()
    assert p.startswith("（p = 0.") and p.endswith("）")
    # No ASCII space before a full-width bracket (review r5): the verdict word runs into it.
    assert cells[1].get_text() in {f"在偶然范围内{p}", f"真实{p}"}


def test_what_if_marks_the_current_answer_without_a_space_in_chinese(client):
    token = finish(client)
    page = html(client.get(f"/a/{token}/what-if?q=knowledge_source&lang=zh"))
    marked = [
        label.get_text()
        for label in page.select("form.what-if-form label")
        if label.select_one("span.muted")
    ]
    assert len(marked) == 1 and marked[0].endswith("的公开知识（当前答案）")
    english = html(client.get(f"/a/{token}/what-if?q=knowledge_source&lang=en"))
    marked = [label.get_text() for label in english.select("form.what-if-form label")]
    assert "Public knowledge the model already has (current answer)" in marked


def test_insights_write_team_names_whole(client):
    team = "Claims operations and fraud review"
    finish(client, "Claims", team)
    page = html(client.get("/insights"))
    for chart in ("team", "team-confidence"):
        figure = page.select_one(f"figure:has(#{chart}-caption)")
        assert [t.get_text() for t in figure.select("text.bar-label")] == [team]
