"""The verdict page, its exports, Revise, and what it says when the rules have moved on."""

import json

import pytest
from sqlalchemy import select

from app import decision
from app.assessments import get
from app.models import Assessment
from tests.helpers import PRODUCT_SPECS, REFUND_BOT, finish, html


def stored_verdict(app, token):
    return decision.localize(get(app.state.db, token).verdict, "en")


def test_headline_shows_recommendation_confidence_and_summary(client, app):
    token = finish(client)
    verdict = stored_verdict(app, token)
    page = html(client.get(f"/a/{token}"))
    assert page.select_one("h1#verdict-title").get_text(strip=True) == "Refund agent"
    pill = page.select_one(".title-line h1 + .pill")
    assert (pill["class"], pill.get_text()) == (["pill", "status", "status-proposed"], "Proposed")
    assert (
        page.select_one(".verdict-recommendation").get_text(strip=True)
        == decision.APPROACHES["fine_tune"].label.en
    )
    assert page.select_one(".verdict-confidence .pill")["class"] == [
        "pill",
        f"pill-{verdict['confidence']}",
    ]
    assert page.select_one(".verdict-summary").get_text(strip=True) == verdict["summary"]


def test_ranking_is_a_server_rendered_svg_bar_per_approach(client, app):
    token = finish(client)
    verdict = stored_verdict(app, token)
    rows = html(client.get(f"/a/{token}")).select("table.ranking tbody tr")
    assert [r.select_one(".ranking-label").get_text(strip=True) for r in rows] == [
        decision.APPROACHES[e["recommendation"]].label.en for e in verdict["ranking"]
    ]
    assert [r.select_one(".ranking-score").get_text() for r in rows] == [
        f"{e['score']:.2f}" for e in verdict["ranking"]
    ]
    assert [float(r.select_one("rect.ranking-fill")["width"]) for r in rows] == [
        round(e["score"] * 100, 1) for e in verdict["ranking"]
    ]
    assert all(r.select_one("svg")["aria-hidden"] == "true" for r in rows)


def test_reasons_cite_sources_and_name_the_answers_behind_them(client, app):
    token = finish(client)
    verdict = stored_verdict(app, token)
    items = html(client.get(f"/a/{token}")).select("ol.reasons > li")
    assert 0 < len(items) == len(verdict["reasons"]) <= 5
    for item, reason in zip(items, verdict["reasons"], strict=True):
        assert item.select_one("p").get_text(strip=True) == reason["text"]
        links = item.select(".reason-source a")
        sources = [reason["source"], *reason["more_sources"]]
        assert [a["href"] for a in links] == [s["url"] for s in sources]
        assert [a.get_text(" ", strip=True) for a in links] == [
            f"{s['author']}, {s['title']}{GLOSS.get(s['title'], '')} ({s['year']})" for s in sources
        ]
        assert len(item.select(".answer-chip")) == len(reason["triggered_by"])


# A title published in Chinese, cited as published with a translation in brackets on English pages.
KARMINSKI_TITLE = "什么时候应该微调，什么时候不应该微调？"
GLOSS = {KARMINSKI_TITLE: " [When to fine-tune, and when not to]"}


def test_a_chinese_title_is_glossed_in_english_and_cited_as_published_in_chinese(client):
    token = finish(client)
    cites = {
        lang: [
            c.get_text(strip=True)
            for c in html(client.get(f"/a/{token}?lang={lang}")).select(".reason-source cite")
        ]
        for lang in ("en", "zh")
    }
    assert f"{KARMINSKI_TITLE} [When to fine-tune, and when not to]" in cites["en"]
    assert KARMINSKI_TITLE in cites["zh"]
    assert not any("[" in c for c in cites["zh"])


def test_confidence_says_why_in_one_line(client, app):
    token = finish(client)
    verdict = stored_verdict(app, token)
    line = html(client.get(f"/a/{token}")).select_one(".verdict-confidence .confidence-reason")
    assert line.get_text(strip=True) == verdict["confidence_reason"]
    assert verdict["confidence_reason"].endswith(".")


def test_next_steps_are_a_numbered_list_and_the_rest_folds_away(client, app):
    token = finish(client)
    verdict = stored_verdict(app, token)
    page = html(client.get(f"/a/{token}"))
    assert [li.get_text(strip=True) for li in page.select("ol.steps > li")] == verdict["next_steps"]
    assert page.select(".checklist") == []
    # Answer first: the next steps, what would change it and the ranking are open sections, then
    # the method (the plan after it);
    # the rest folds away.
    # (A warning about the answers, when there is one, comes just before them.)
    assert [
        s.select_one("h2")["id"]
        for s in page.select("article.verdict > section.card, .verdict-grid > section")
        if s.select_one("h2")["id"] != "warnings-heading"
    ][:4] == ["next-heading", "change-heading", "ranking-heading", "method-heading"]
    folds = {
        d.select_one("summary h2")["id"]: d.has_attr("open") for d in page.select("details.fold")
    }
    assert folds == {
        "plan-heading": False,  # the training plan of a fine-tuning verdict, folded
        "risks-heading": False,
        "answers-heading": False,
        **{f"why-not-{w['recommendation']}": False for w in verdict["why_not"]},
    }


def test_what_would_change_shows_three_and_folds_the_rest(client, app):
    token = finish(
        client, answers={**REFUND_BOT, "prompting_effort": "basic", "baseline_accuracy": ""}
    )
    verdict = stored_verdict(app, token)
    changes = verdict["what_would_change"]
    assert len(changes) > 5
    section = html(client.get(f"/a/{token}")).select_one("section#what-would-change")
    shown = section.select(":scope > ul.changes > li")
    hidden = section.select("details.more ul.changes > li")
    assert (len(shown), len(hidden)) == (3, len(changes) - 3)
    for item, change in zip(shown + hidden, changes, strict=True):
        assert item["class"] == ["change", f"change-{change['kind']}"]
        text = item.get_text(" ", strip=True)
        assert decision.QUESTIONS[change["question"]].name.en in text
        assert item.select_one("strong").get_text() == (
            decision.APPROACHES[change["recommendation"]].label.en
        )
        # A choice can be tried on the page: "Compare" opens the what-if with that answer.
        link = item.select_one("a.what-if-link")
        if isinstance(change["to"], str):
            assert link["href"] == (
                f"http://testserver/a/{token}/what-if?q={change['question']}&v={change['to']}"
            )
        else:
            assert link is None


def test_why_not_names_the_runner_up_and_what_would_make_it_win(client, app):
    token = finish(client, answers=PRODUCT_SPECS)
    verdict = stored_verdict(app, token)
    assert verdict["recommendation"] == "rag"
    page = html(client.get(f"/a/{token}"))
    headings = [h.get_text(strip=True) for h in page.select("details.why-not summary h2")]
    assert headings == [
        f"Why not “{decision.APPROACHES[w['recommendation']].label.en}”?"
        for w in verdict["why_not"]
    ]
    assert verdict["why_not"][-1]["recommendation"] == "fine_tune"
    for block, why_not in zip(page.select("details.why-not"), verdict["why_not"], strict=True):
        assert [
            li.select_one("p").get_text(strip=True) for li in block.select(".reasons-against > li")
        ] == [r["text"] for r in why_not["reasons"]]


def test_copy_summary_is_short_and_carries_the_link(client, app):
    """Answer, confidence, status, the top three reasons and the first two next steps, each cut
    to its first sentence or clause, at most 90 words, and the link."""
    token = finish(client)
    verdict = stored_verdict(app, token)
    text = html(client.get(f"/a/{token}")).select_one("textarea#chat-summary-text").get_text()
    lines = text.strip().split("\n")
    label = decision.APPROACHES["fine_tune"].label.en
    assert lines[0] == (
        f"Verdict on “Refund agent”: {label} (confidence: {verdict['confidence']}; status: proposed)"
    )
    reasons = [r["text"] for r in verdict["reasons"][:3]]
    steps = verdict["next_steps"][:2]
    assert lines[1] == "Why:"
    assert lines[5] == "Next steps:"
    items = lines[2:5] + lines[6:8]
    for line, full, number in zip(
        items, reasons + steps, ["1.", "2.", "3.", "1.", "2."], strict=True
    ):
        assert line.split(" ")[0] == number
        gist = line.removeprefix(number + " ")
        # Each item is the start of its reason or step, ending in a full stop or an ellipsis.
        assert gist.endswith((".", "…")), gist
        assert full.startswith(gist.rstrip(".…")), (gist, full)
        assert len(gist.split()) >= 5
    assert lines[-1] == f"http://testserver/a/{token}"
    assert len(lines) == 9
    assert len(text.split()) <= 90


def test_copy_summary_in_chinese_has_full_width_marks_and_fits(client, app):
    token = finish(client)
    client.cookies.set("lang", "zh")
    text = html(client.get(f"/a/{token}")).select_one("textarea#chat-summary-text").get_text()
    lines = text.strip().split("\n")
    level = {"high": "高", "medium": "中", "low": "低"}[stored_verdict(app, token)["confidence"]]
    assert lines[0] == f"“Refund agent”的结论：微调模型（置信度：{level}；状态：提议中）"
    assert (lines[1], lines[5]) == ("理由：", "下一步：")
    assert all(line[3:].endswith(("。", "…")) for line in lines[2:5] + lines[6:8])
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = len("".join(ch if ch.isascii() else " " for ch in text).split())
    assert latin + (han + 1) // 2 <= 90


# Meeting notes to summarise: the verdict's second next step ends in a closing bracket in Chinese
# ("…（若干字段、编号步骤、最终答案），就用 JSON Schema…"), which the summary once cut forever.
MEETING_NOTES = {
    **REFUND_BOT,
    "task_type": "simple_generation",
    "spec_clarity": "partial",
    "accuracy_target": "best_effort",
    "prompting_effort": "basic",
    "baseline_accuracy": "",
    "failure_mode": "format",
    "example_count": "none",
    "volume": "low",
    "cost_pressure": "none",
}


def test_copy_summary_in_chinese_cuts_an_item_that_ends_in_a_bracket(client, app):
    token = finish(client, title="会议纪要自动摘要", answers=MEETING_NOTES)
    client.cookies.set("lang", "zh")
    response = client.get(f"/a/{token}")
    assert response.status_code == 200
    text = html(response).select_one("textarea#chat-summary-text").get_text()
    lines = text.strip().split("\n")
    steps = decision.localize(get(app.state.db, token).verdict, "zh")["next_steps"][:2]
    assert "）" in steps[1].split("。")[0]  # the case: a bracket closes before the sentence ends
    for line, full, number in zip(lines[6:8], steps, ["1.", "2."], strict=True):
        gist = line.removeprefix(number + " ")
        assert gist.endswith(("。", "…")) and full.startswith(gist.rstrip("。…")), (gist, full)
    han = sum(1 for ch in text if "\u4e00" <= ch <= "\u9fff")
    latin = len("".join(ch if ch.isascii() else " " for ch in text).split())
    assert latin + (han + 1) // 2 <= 90


def test_answers_rules_version_and_links(client, app):
    token = finish(client)
    page = html(client.get(f"/a/{token}"))
    answers = page.select(".answers-grid dd")
    assert len(answers) == len(decision.QUESTIONS)
    assert decision.RULES_VERSION in page.select_one(".verdict-foot").get_text()
    assert page.select_one(".verdict-foot a")["href"] == "http://testserver/how-we-decide"
    assert page.select_one("#share-url")["value"] == f"http://testserver/a/{token}"
    assert page.select_one("form[action$=revise] button").get_text(strip=True) == "Revise a copy"


def test_meta_tags_unfurl_and_keep_crawlers_out(client):
    token = finish(client)
    response = client.get(f"/a/{token}")
    page = html(response)
    label = decision.APPROACHES["fine_tune"].label.en
    assert page.select_one("meta[property='og:title']")["content"] == f"Refund agent: {label}"
    assert page.select_one("meta[property='og:description']")["content"].startswith(
        f"Verdict: {label}"
    )
    assert page.select_one("meta[name=robots]")["content"] == "noindex, nofollow"
    assert response.headers["x-robots-tag"] == "noindex, nofollow"
    assert response.headers["cache-control"] == "no-store"


def test_markdown_export_has_the_verdicts_focus_and_the_titles_name(client, app):
    token = finish(client, title="Refund *agent*")
    response = client.get(f"/a/{token}/export.md")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/markdown; charset=utf-8"
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"refund-agent.md\"; filename*=UTF-8''refund-agent.md"
    )
    lines = response.text.splitlines()
    verdict = stored_verdict(app, token)
    assert lines[0] == r"# Refund \*agent\*"
    assert lines[2] == f"Recommendation: **{decision.APPROACHES['fine_tune'].label.en}**  "
    assert (
        lines[3]
        == f"Confidence: {verdict['confidence'].capitalize()}. {verdict['confidence_reason']}  "
    )
    why = lines.index("## Why")
    assert [
        line.split(" (Source: ")[0] for line in lines[why + 2 : why + 2 + len(verdict["reasons"])]
    ] == [f"{n}. {r['text']}" for n, r in enumerate(verdict["reasons"], 1)]
    steps = lines.index("## Next steps")
    assert lines[steps + 2 : steps + 2 + len(verdict["next_steps"])] == [
        f"{n}. {step}" for n, step in enumerate(verdict["next_steps"], 1)
    ]
    assert f"Link: http://testserver/a/{token}" in lines
    # "It would win if:" is followed by conditions alone, worded as on the page, not sentences
    # that repeat "If" and name the approach again.
    for other in verdict["why_not"]:
        title = f"## Why not “{decision.APPROACHES[other['recommendation']].label.en}”?"
        start = lines.index(title)
        assert lines[start + 2 + len(other["reasons"]) + 1] == "It would win if:"
        shown = lines[start + 2 + len(other["reasons"]) + 3 :][: len(other["would_win_if"][:5])]
        assert shown and all(line.startswith(("- your ", "- you ")) for line in shown), shown
        assert not any(
            line.endswith(label.en)
            for line in shown
            for label in (a.label for a in decision.APPROACHES.values())
        )


def test_export_file_names_follow_the_title_in_any_script(client):
    token = finish(client, title="退款 Agent v2")
    disposition = client.get(f"/a/{token}/export.json").headers["content-disposition"]
    assert disposition == (
        "attachment; filename=\"agent-v2.json\"; filename*=UTF-8''%E9%80%80%E6%AC%BE-agent-v2.json"
    )


def test_rules_api_is_the_how_we_decide_data(client):
    response = client.get("/api/v1/rules")
    assert response.status_code == 200
    document = response.json()
    assert document["rules_version"] == decision.RULES_VERSION
    assert sorted(r["id"] for r in document["rules"]) == sorted(r.id for r in decision.RULES)
    by_id = {r["id"]: r for r in document["rules"]}
    for rule in decision.RULES:
        entry = by_id[rule.id]
        assert entry["principle"] == rule.principle
        assert entry["scores"] == {k.value: v for k, v in rule.scores.items()}
        assert sorted(entry["exclude"]) == sorted(a.value for a in rule.exclude)
        assert entry["source"] == {
            "author": rule.source.author,
            "title": rule.source.title,
            "year": rule.source.year,
            "url": rule.source.url,
        }
    assert [p["key"] for p in document["principles"]] == list(decision.PRINCIPLES)
    page = html(client.get("/how-we-decide"))
    assert sorted(h.get_text(strip=True) for h in page.select(".rule h3 code")) == sorted(by_id)
    zh = client.get("/api/v1/rules?lang=zh").json()
    assert zh["rules"][0]["reason"] == decision.RULES[0].reason.zh
    operation = client.get("/openapi.json").json()["paths"]["/api/v1/rules"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/RulesOut"}


def test_json_export_is_the_api_record(client, app):
    token = finish(client)
    exported = client.get(f"/a/{token}/export.json")
    api = client.get(f"/api/v1/assessments/{token}")
    assert exported.json() == api.json()
    assert exported.headers["content-disposition"].startswith("attachment;")


def test_verdict_in_chinese(client, app):
    token = finish(client)
    page = html(client.get(f"/a/{token}?lang=zh"))
    assert page.select_one("html")["lang"] == "zh-Hans"
    assert (
        page.select_one(".verdict-recommendation").get_text(strip=True)
        == decision.APPROACHES["fine_tune"].label.zh
    )
    zh = decision.localize(get(app.state.db, token).verdict, "zh")
    assert [li.get_text(strip=True) for li in page.select("ol.steps li")] == zh["next_steps"]
    assert page.select_one(".confidence-reason").get_text(strip=True) == zh["confidence_reason"]


def test_revise_makes_a_prefilled_draft_and_leaves_the_original(client, app):
    token = finish(client)
    before = get(app.state.db, token)
    response = client.post(f"/a/{token}/revise")
    assert response.status_code == 303
    new_token = response.headers["location"].split("/")[-2]
    assert new_token != token
    assert response.headers["location"].endswith(f"/d/{new_token}/review")
    draft = get(app.state.db, new_token)
    assert (draft.answers, draft.title, draft.finished_at, draft.revised_from_id) == (
        before.answers,
        before.title,
        None,
        before.id,
    )
    after = get(app.state.db, token)
    assert (after.verdict, after.answers, after.finished_at) == (
        before.verdict,
        before.answers,
        before.finished_at,
    )
    assert client.cookies.get("drafts") == new_token
    # The revision finishes into its own verdict, which links back.
    assert client.post(f"/d/{new_token}/finish").status_code == 303
    page = html(client.get(f"/a/{new_token}"))
    assert page.select_one(f"a[href$='/a/{token}']") is not None


def test_a_verdict_does_not_change_when_the_rules_do(client, app):
    token = finish(client)
    snapshot = get(app.state.db, token).verdict
    # Pretend it was judged by older rules that said something else.
    with app.state.db.write() as session:
        row = session.scalars(select(Assessment)).one()
        row.rules_version = "2020.01-old"
        row.recommendation = "rag"
        row.verdict = {**snapshot, "recommendation": "rag", "rules_version": "2020.01-old"}
    page = html(client.get(f"/a/{token}"))
    assert (
        page.select_one(".verdict-recommendation").get_text(strip=True)
        == decision.APPROACHES["rag"].label.en
    )
    notice = page.select_one("aside.notice").get_text(" ", strip=True)
    assert decision.RULES_VERSION in notice
    assert decision.APPROACHES["fine_tune"].label.en in notice


def test_no_notice_when_the_rules_agree(client):
    token = finish(client, answers=PRODUCT_SPECS)
    page = html(client.get(f"/a/{token}"))
    assert page.select_one("aside.notice") is None
    assert (
        page.select_one(".verdict-recommendation").get_text(strip=True)
        == decision.APPROACHES["rag"].label.en
    )


def test_unknown_or_malformed_links_are_404(client):
    for path in (
        "/a/" + "x" * 43,
        "/a/short",
        "/a/%3Cscript%3E",
        "/a/" + "x" * 43 + "/export.md",
        "/a/" + "y" * 43 + "/export.json",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert html(response).select_one("h1").get_text(strip=True) == "Page not found"
    assert client.post("/a/" + "x" * 43 + "/revise").status_code == 404


def test_a_draft_link_on_the_verdict_path_resumes_the_draft(client):
    response = client.post("/new", data={"title": "t"})
    token = response.headers["location"].split("/")[-2]
    response = client.get(f"/a/{token}")
    assert response.status_code == 303
    assert response.headers["location"] == f"http://testserver/d/{token}"
    assert client.get(f"/a/{token}/export.json").status_code == 404


@pytest.mark.storage
def test_stored_snapshot_is_plain_json(client, app):
    token = finish(client, answers=REFUND_BOT)
    snapshot = get(app.state.db, token).verdict
    assert json.loads(json.dumps(snapshot)) == snapshot


def test_verdict_pages_carry_an_etag_and_revalidate_with_304(client):
    token = finish(client)
    waiting = client.get(f"/a/{token}")  # a new manage key waits on the manage view: not cached
    assert "etag" not in waiting.headers
    client.get(f"/a/{token}/manage")  # where it is shown, once
    first = client.get(f"/a/{token}")
    etag = first.headers["etag"]
    assert etag.startswith('"') and len(etag) == 34
    again = client.get(f"/a/{token}", headers={"If-None-Match": etag})
    assert (again.status_code, again.content, again.headers["etag"]) == (304, b"", etag)
    assert client.get(f"/a/{token}?lang=zh").headers["etag"] != etag
    assert client.get(f"/a/{token}", headers={"If-None-Match": '"stale"'}).status_code == 200


def test_cached_verdict_costs_one_indexed_lookup(client, app):
    # Every request looks its link up (so a rotated or expired one is refused at once, on every
    # worker); a cached page costs that one query and no rendering.
    token = finish(client)
    client.get(f"/a/{token}/manage")  # shows the new manage key, once
    first = client.get(f"/a/{token}").text
    from sqlalchemy import event

    queries = []
    event.listen(app.state.db.engine, "before_cursor_execute", lambda *a: queries.append(a[2]))
    renders = []
    original = app.state.verdict_cache.put
    app.state.verdict_cache.put = lambda *a: renders.append(a) or original(*a)
    assert client.get(f"/a/{token}").text == first
    selects = [q for q in queries if q.startswith("SELECT")]
    # The link, and (for a browser holding manage keys) whether one is of this decision.
    assert len(selects) == 2
    assert "WHERE assessments.share_token = " in selects[0]
    assert "FROM manage_keys" in selects[1]
    assert renders == []
    # A viewer, holding no key: the one lookup.
    client.cookies.clear()
    client.get(f"/a/{token}")
    queries.clear()
    client.get(f"/a/{token}")
    assert len([q for q in queries if q.startswith("SELECT")]) == 1


def test_responses_are_compressed(client):
    token = finish(client)
    response = client.get(f"/a/{token}", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["vary"]


def test_versioned_static_files_are_cached_for_a_year(client):
    from tests.helpers import html as parse

    href = parse(client.get("/")).select_one("link[rel=stylesheet]")["href"]
    response = client.get(href)
    assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert client.get(href.split("?")[0]).headers["cache-control"] == "public, max-age=3600"


def test_a_first_wave_verdict_still_renders_and_exports(client, app):
    from tests.unit.test_decision_old_snapshots import FORMAT_1

    token = finish(client)
    with app.state.db.write() as session:
        row = session.scalars(select(Assessment)).one()
        row.rules_version = FORMAT_1["rules_version"]
        row.verdict = FORMAT_1
    page = html(client.get(f"/a/{token}"))
    assert [li.select_one("p").get_text(strip=True) for li in page.select("ol.reasons > li")] == [
        "Last mile."
    ]
    link = page.select_one("ol.reasons .reason-source a")
    assert (link["href"], link.get_text(strip=True)) == (
        "https://www.deeplearning.ai/the-batch/issue-294/",
        "Andrew Ng, The Batch #294",
    )
    assert page.select_one(".confidence-reason") is None
    assert page.select("details.why-not") == []
    markdown = client.get(f"/a/{token}/export.md").text
    assert (
        "1. Last mile. (Source: [Andrew Ng, The Batch #294](https://www.deeplearning.ai/the-batch/issue-294/))"
        in markdown
    )


def test_chinese_markdown_export_uses_full_width_punctuation(client, app):
    token = finish(client, title="退款助手")
    client.cookies.set("lang", "zh")
    lines = client.get(f"/a/{token}/export.md").text.splitlines()
    verdict = decision.localize(get(app.state.db, token).verdict, "zh")
    why = lines.index("## 理由")
    reasons = lines[why + 2 : why + 2 + len(verdict["reasons"])]
    assert [line.split("（来源：")[0] for line in reasons] == [
        f"{n}. {r['text']}" for n, r in enumerate(verdict["reasons"], 1)
    ]
    assert all(line.endswith(")）") for line in reasons), reasons
    changes = lines[lines.index("## 什么会改变结论") + 2 :]
    changes = changes[: changes.index("")]
    assert len(changes) == len(verdict["what_would_change"]) >= 1
    assert all(": " not in line and "： " not in line for line in changes), changes
