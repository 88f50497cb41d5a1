"""Issue 12, point 4: an assessment as a decision record. Status, versions and the links between
them; the history and the API filtered by status, with counts of that status."""

from datetime import datetime

import pytest
from sqlalchemy import select

from app import assessments, decision, manage
from app.models import Assessment
from tests.helpers import PRODUCT_SPECS, REFUND_BOT, finish, html
from tests.test_api import api_answers

FINE_TUNE = decision.APPROACHES["fine_tune"].label.en
RAG = decision.APPROACHES["rag"].label.en


def revise_and_finish(client, token: str) -> str:
    response = client.post(f"/a/{token}/revise")
    assert response.status_code == 303
    draft = response.headers["location"].split("/")[-2]
    response = client.post(f"/d/{draft}/finish")
    assert response.status_code == 303, response.text
    return draft


def row(app, token: str) -> Assessment:
    with app.state.db.read() as session:
        return session.scalars(select(Assessment).where(Assessment.share_token == token)).one()


def set_status(app, token: str, status: str) -> None:
    assessments.set_status(app.state.db, token, status, manage.SESSION)


# --- Status and versions in the API's record ------------------------------------------------


def test_a_new_assessment_is_proposed_version_1_without_links(client):
    token = finish(client)
    body = client.get(f"/api/v1/assessments/{token}").json()
    assert (body["status"], body["version"], body["revised_from"], body["superseded_by"]) == (
        "proposed",
        1,
        None,
        None,
    )


@pytest.mark.storage
def test_finishing_a_revision_supersedes_the_original_both_ways(client, app):
    original = finish(client, title="Refund agent")
    draft = client.post(f"/a/{original}/revise").headers["location"].split("/")[-2]
    # A draft revision changes nothing yet: the original is only superseded once it's finished.
    assert client.get(f"/api/v1/assessments/{original}").json()["status"] == "proposed"
    assert client.post(f"/d/{draft}/finish").status_code == 303

    old = client.get(f"/api/v1/assessments/{original}").json()
    new = client.get(f"/api/v1/assessments/{draft}").json()
    assert (old["status"], old["version"]) == ("superseded", 1)
    assert old["superseded_by"] == {
        "id": draft,
        "url": f"/a/{draft}",
        "version": 2,
        "finished_at": new["finished_at"],
    }
    assert (new["status"], new["version"], new["superseded_by"]) == ("proposed", 2, None)
    assert new["revised_from"] == {
        "id": original,
        "url": f"/a/{original}",
        "version": 1,
        "finished_at": old["finished_at"],
    }
    assert client.get(f"/a/{original}/export.json").json()["superseded_by"]["id"] == draft


@pytest.mark.storage
def test_versions_count_along_the_line_and_siblings_supersede_with_the_newest(client):
    v1 = finish(client)
    v2 = revise_and_finish(client, v1)
    v3 = revise_and_finish(client, v2)
    assert client.get(f"/api/v1/assessments/{v3}").json()["version"] == 3
    assert client.get(f"/api/v1/assessments/{v2}").json()["status"] == "superseded"
    # A second revision of v1, finished later: v1 now points to it, the newest of its revisions.
    other = revise_and_finish(client, v1)
    record = client.get(f"/api/v1/assessments/{v1}").json()
    assert (record["superseded_by"]["id"], record["superseded_by"]["version"]) == (other, 2)


# --- The verdict page -------------------------------------------------------------------------


def test_everyone_sees_status_and_version_but_no_status_control(client):
    token = finish(client)
    client.get(f"/a/{token}")  # the finishing browser's one-time look at its manage token
    client.cookies.clear()  # now a viewer who only has the link
    page = html(client.get(f"/a/{token}"))
    record = page.select_one("#record")
    assert page.select_one(".title-line .status").get_text(strip=True) == "Proposed"
    # A first version with nothing before it and no manage link has no record line: no lone "v1".
    assert record.select_one(".record-line") is None
    assert page.select_one("#record-status") is None
    assert page.select_one(".superseded-notice") is None
    # Version 1 shows no number beside the title.
    assert page.select_one("h1 .version") is None
    assert len(page.select("#record")) == 1


def test_an_old_link_says_it_is_superseded_and_links_to_the_newer_version(client):
    original = finish(client, title="Refund agent")
    before = client.get(f"/a/{original}")  # in the render cache now
    assert html(before).select_one(".superseded-notice") is None
    revision = revise_and_finish(client, original)

    page = html(client.get(f"/a/{original}"))
    notice = page.select_one(".superseded-notice")
    link = notice.select_one("a.superseded-by")
    assert link["href"] == f"http://testserver/a/{revision}"
    assert link.get_text(strip=True) == "Refund agent · v2"
    assert page.select_one(".title-line .status").get_text(strip=True) == "Superseded"

    page = html(client.get(f"/a/{revision}"))
    assert page.select_one("h1").get_text(" ", strip=True) == "Refund agent v2"
    stamp = page.select_one(".eyebrow time")
    assert stamp.get_text(strip=True).endswith("UTC")  # a revision shows its time, not only a date
    revised = page.select_one(".revised-from a")
    assert revised["href"] == f"http://testserver/a/{original}"
    assert revised.get_text(strip=True) == "Refund agent · v1"


def test_a_status_change_reaches_a_cached_page(client, app):
    token = finish(client)
    assert (
        html(client.get(f"/a/{token}")).select_one(".title-line .status").get_text() == "Proposed"
    )
    set_status(app, token, "accepted")
    page = html(client.get(f"/a/{token}"))
    assert page.select_one(".title-line .status").get_text() == "Accepted"
    assert "status-accepted" in page.select_one(".title-line .status")["class"]


def test_for_a_viewer_copy_link_comes_first_and_revise_second(client):
    token = finish(client)
    page = html(client.get(f"/a/{token}"))
    actions = page.select_one(".verdict-actions")
    field = actions.select_one("input#share-url")
    assert (field.has_attr("readonly"), field["value"]) == (True, f"http://testserver/a/{token}")
    buttons = actions.select("button")
    assert buttons[0]["data-copy"] == "share-url"
    assert buttons[0].get_text(strip=True) == "Copy link"
    assert "secondary" not in buttons[0].get("class", [])
    revise = actions.select_one("form[action$=revise] button")
    assert set(revise["class"]) == {"secondary", "outline"}
    assert buttons.index(revise) > 0


# --- The history ------------------------------------------------------------------------------


def seed_statuses(client, app) -> dict[str, str]:
    """Four fine-tune verdicts and one RAG verdict, in every status."""
    tokens = {
        "accepted": finish(client, title="Alpha"),
        "rejected": finish(client, title="Beta"),
        "proposed": finish(client, title="Gamma", answers=PRODUCT_SPECS),
        "old": finish(client, title="Delta"),
    }
    tokens["new"] = revise_and_finish(client, tokens["old"])
    set_status(app, tokens["accepted"], "accepted")
    set_status(app, tokens["rejected"], "rejected")
    return tokens


def titles(response) -> list[str]:
    return [el.contents[0].strip() for el in html(response).select(".row-title")]


def counts(response) -> dict[str, int]:
    return {
        link.get_text(" ", strip=True).rsplit(" ", 1)[0]: int(link.select_one(".count").get_text())
        for link in html(response).select(".counts a")
    }


def test_history_rows_show_version_status_and_time(client, app):
    tokens = seed_statuses(client, app)
    page = html(client.get("/assessments"))
    rows = page.select(".assessment-row")
    shown = [
        (
            r.select_one(".row-title").contents[0].strip(),
            r.select_one(".row-title .version").get_text() if r.select_one(".version") else "",
            r.select_one(".status").get_text(),
        )
        for r in rows
    ]
    assert shown == [
        ("Delta", "v2", "Proposed"),
        ("Delta", "", "Superseded"),
        ("Gamma", "", "Proposed"),
        ("Beta", "", "Rejected"),
        ("Alpha", "", "Accepted"),
    ]
    newest = row(app, tokens["new"]).finished_at
    time = rows[0].select_one("time")
    assert datetime.fromisoformat(time["datetime"]) == newest.replace(microsecond=0)
    assert time.get_text().endswith(" UTC")
    assert newest.strftime("%-I:%M") in time.get_text()


@pytest.mark.storage
def test_history_filters_by_status_with_counts_of_that_status(client, app):
    seed_statuses(client, app)
    everything = client.get("/assessments")
    assert counts(everything)["All"] == 5

    proposed = client.get("/assessments", params={"status": "proposed"})
    assert titles(proposed) == ["Delta", "Gamma"]
    tally = counts(proposed)
    assert (tally["All"], tally[FINE_TUNE], tally[RAG]) == (2, 1, 1)
    page = html(proposed)
    assert page.select_one("#search-status option[selected]")["value"] == "proposed"
    current = page.select_one(".status-filter a[aria-current=true]")
    assert current.get_text(strip=True) == "Proposed"
    # The recommendation links keep the status, and the status links keep the recommendation.
    rag_link = page.select_one(".counts a[href*='recommendation=rag']")["href"]
    assert rag_link == "http://testserver/assessments?q=&recommendation=rag&status=proposed"

    both = client.get("/assessments", params={"status": "proposed", "recommendation": "rag"})
    assert titles(both) == ["Gamma"]
    superseded = client.get("/assessments", params={"status": "superseded"})
    assert (titles(superseded), counts(superseded)["All"]) == (["Delta"], 1)
    accepted = client.get("/assessments", params={"status": "accepted", "q": "alp"})
    assert (titles(accepted), counts(accepted)[FINE_TUNE]) == (["Alpha"], 1)
    none = client.get("/assessments", params={"status": "accepted", "q": "beta"})
    assert (titles(none), counts(none)["All"]) == ([], 0)
    assert html(none).select_one(".empty strong").get_text() == "Nothing matches."
    # An unknown status is ignored, as an unknown recommendation is.
    assert titles(client.get("/assessments", params={"status": "nope"})) == titles(everything)


def test_history_status_filter_as_htmx_fragment(client, app):
    seed_statuses(client, app)
    response = client.get(
        "/assessments", params={"status": "rejected"}, headers={"HX-Request": "true"}
    )
    page = html(response)
    assert page.select_one("html") is None
    assert titles(response) == ["Beta"]
    assert page.select_one("#announcer").get_text() == "1 assessment found"
    assert response.headers["vary"].startswith("HX-Request")


@pytest.mark.storage
def test_counts_follow_status_changes_and_pages_keep_the_filter(client, app):
    for n in range(3):
        token = finish(client, title=f"Run {n}")
        set_status(app, token, "accepted")
    first = client.get("/assessments", params={"status": "accepted"})
    assert counts(first)["All"] == 3
    set_status(app, token, "rejected")
    assert counts(client.get("/assessments", params={"status": "accepted"}))["All"] == 2
    assert counts(client.get("/assessments", params={"status": "rejected"}))["All"] == 1
    assert counts(client.get("/assessments"))["All"] == 3
    # Pages of a status: the cursor keeps to it.
    api = client.get("/api/v1/assessments", params={"status": "accepted", "limit": 1}).json()
    assert [i["title"] for i in api["items"]] == ["Run 1"]
    following = client.get(
        "/api/v1/assessments",
        params={"status": "accepted", "limit": 1, "cursor": api["next_cursor"]},
    ).json()
    assert ([i["title"] for i in following["items"]], following["next_cursor"]) == (["Run 0"], None)


@pytest.mark.storage
def test_api_list_filters_by_status(client, app):
    tokens = seed_statuses(client, app)
    body = client.get("/api/v1/assessments", params={"status": "superseded"}).json()
    assert [(i["id"], i["status"], i["version"]) for i in body["items"]] == [
        (tokens["old"], "superseded", 1)
    ]
    assert body["counts"] == {key: int(key == "fine_tune") for key in decision.APPROACHES}
    body = client.get("/api/v1/assessments", params={"status": "proposed", "q": "delta"}).json()
    assert [(i["id"], i["version"]) for i in body["items"]] == [(tokens["new"], 2)]
    assert (body["counts"]["fine_tune"], body["counts_capped"]) == (1, False)
    every = client.get("/api/v1/assessments").json()
    assert sum(every["counts"].values()) == 5


def test_api_list_refuses_an_unknown_status_naming_it(client):
    response = client.get("/api/v1/assessments", params={"status": "done"})
    assert response.status_code == 422
    assert [p["field"] for p in response.json()["detail"]] == ["status"]


# --- Changing the status: the API (PATCH) ----------------------------------------------------


def created(client) -> tuple[str, str]:
    body = {"title": "Refund agent", "answers": api_answers(REFUND_BOT)}
    response = client.post("/api/v1/assessments", json=body)
    assert response.status_code == 201
    return response.json()["id"], response.json()["manage_token"]


def test_patch_sets_the_status_and_answers_the_record(client, app):
    token, manage_token = created(client)
    response = client.patch(
        f"/api/v1/assessments/{token}",
        json={"status": "accepted"},
        headers={"X-Manage-Token": manage_token},
    )
    assert response.status_code == 200
    assert (
        response.json()
        == client.get(
            f"/api/v1/assessments/{token}", headers={"X-Manage-Token": manage_token}
        ).json()
    )
    assert (response.json()["id"], response.json()["status"]) == (token, "accepted")
    # The owner's record carries the audit trail; a viewer's does not.
    assert [(e["action"], e["detail"], e["who"]) for e in response.json()["audit"]] == [
        ("status", {"from": "proposed", "to": "accepted"}, {"kind": "key", "label": ""})
    ]
    assert client.get(f"/api/v1/assessments/{token}").json()["audit"] is None
    assert row(app, token).status == "accepted"
    for status in ("rejected", "superseded", "proposed"):
        response = client.patch(
            f"/api/v1/assessments/{token}",
            json={"status": status},
            headers={"X-Manage-Token": manage_token},
        )
        assert (response.status_code, response.json()["status"]) == (200, status)


def test_patch_without_the_right_token_is_404_and_changes_nothing(client, app):
    token, manage_token = created(client)
    before = row(app, token).updated_at
    one_off = manage_token[:-1] + ("B" if manage_token.endswith("A") else "A")  # never the token
    for headers in ({}, {"X-Manage-Token": ""}, {"X-Manage-Token": one_off}):
        response = client.patch(
            f"/api/v1/assessments/{token}", json={"status": "accepted"}, headers=headers
        )
        assert (response.status_code, response.json()) == (404, {"detail": "Not found"})
    # Another assessment's token opens nothing either.
    _, other_token = created(client)
    response = client.patch(
        f"/api/v1/assessments/{token}",
        json={"status": "accepted"},
        headers={"X-Manage-Token": other_token},
    )
    assert response.status_code == 404
    unknown = client.patch(
        "/api/v1/assessments/" + "x" * 43,
        json={"status": "accepted"},
        headers={"X-Manage-Token": manage_token},
    )
    assert unknown.status_code == 404
    assert (row(app, token).status, row(app, token).updated_at) == ("proposed", before)


def test_patch_with_a_bad_status_is_422_naming_the_field_and_changes_nothing(client, app):
    token, manage_token = created(client)
    before = row(app, token).updated_at
    cases = [
        ({"status": "done"}, [("status", "invalid_status")]),
        ({"status": None}, [("status", "invalid_status")]),
        ({"status": ["accepted"]}, [("status", "invalid_status")]),
        ({}, [("status", "invalid_status")]),
        ({"status": "accepted", "title": "x"}, [("title", "unknown_status_field")]),
    ]
    for body, expected in cases:
        response = client.patch(
            f"/api/v1/assessments/{token}", json=body, headers={"X-Manage-Token": manage_token}
        )
        assert response.status_code == 422, body
        assert [(p["field"], p["code"]) for p in response.json()["detail"]] == expected
        assert all(p["message"] for p in response.json()["detail"])
    response = client.patch(
        f"/api/v1/assessments/{token}",
        content=b"[1]",
        headers={"X-Manage-Token": manage_token, "Content-Type": "application/json"},
    )
    assert [p["field"] for p in response.json()["detail"]] == ["body"]
    assert (row(app, token).status, row(app, token).updated_at) == ("proposed", before)


def test_patch_message_in_chinese(client):
    token, manage_token = created(client)
    response = client.patch(
        f"/api/v1/assessments/{token}",
        json={"status": "done"},
        headers={"X-Manage-Token": manage_token, "Accept-Language": "zh"},
    )
    assert response.json()["detail"][0]["message"] == (
        "状态必须是以下之一：proposed、accepted、rejected、superseded。"
    )


# --- Changing the status: the verdict page -----------------------------------------------------


def test_the_finishing_browser_gets_the_status_control_on_the_manage_view(client):
    token = finish(client)
    verdict = html(client.get(f"/a/{token}"))
    # The verdict page keeps the status pill and one link; the control is on the manage view.
    assert verdict.select_one("form.status-form") is None
    assert verdict.select_one("#record a.manage-link")["href"] == (
        f"http://testserver/a/{token}/manage"
    )
    page = html(client.get(f"/a/{token}/manage"))
    form = page.select_one("form.status-form")
    assert form["action"] == f"http://testserver/a/{token}/status"
    assert [o["value"] for o in form.select("option")] == [
        "proposed",
        "accepted",
        "rejected",
        "superseded",
    ]
    assert form.select_one("option[selected]")["value"] == "proposed"


def test_status_form_without_js_redirects_and_the_page_shows_it(client, app):
    token = finish(client)
    client.get(f"/a/{token}")
    response = client.post(
        f"/a/{token}/status", data={"status": "rejected", "reason": "  Too costly for Q3 "}
    )
    assert (response.status_code, response.headers["location"]) == (
        303,
        f"http://testserver/a/{token}/manage?done=status",
    )
    view = html(client.get(response.headers["location"]))
    assert view.select_one("p[role=status]").get_text() == "Status saved: Rejected"
    assert view.select_one("#record-status option[selected]")["value"] == "rejected"
    event = view.select_one(".audit-trail li.audit-status")
    assert event.select_one(".audit-who").get_text(strip=True) == "Key given at finishing"
    assert event.select_one(".audit-what").get_text(strip=True) == (
        "v1: status Proposed → Rejected"
    )
    assert event.select_one(".audit-reason").get_text(strip=True) == "Reason: Too costly for Q3"
    page = html(client.get(f"/a/{token}"))
    assert page.select_one(".title-line .status").get_text() == "Rejected"


def test_status_form_refuses_a_reason_too_long(client, app):
    token = finish(client)
    response = client.post(f"/a/{token}/status", data={"status": "accepted", "reason": "x" * 501})
    assert response.status_code == 422
    page = html(response)
    assert page.select_one("#status-reason-error").get_text(strip=True) == (
        "Keep the reason to 500 characters or fewer, on one line."
    )
    assert page.select_one("#status-reason")["aria-invalid"] == "true"
    assert row(app, token).status == "proposed"


def test_status_form_refuses_a_viewer_and_a_bad_value(client, app):
    token = finish(client)
    client.get(f"/a/{token}")
    bad = client.post(f"/a/{token}/status", data={"status": "done"})
    assert bad.status_code == 422
    assert row(app, token).status == "proposed"
    client.cookies.clear()
    assert client.post(f"/a/{token}/status", data={"status": "accepted"}).status_code == 404
    assert row(app, token).status == "proposed"


def test_a_reopened_assessment_keeps_the_link_to_its_newer_version(client, app):
    original = finish(client, title="Refund agent")
    revision = revise_and_finish(client, original)
    set_status(app, original, "accepted")
    page = html(client.get(f"/a/{original}"))
    notice = page.select_one(".superseded-notice")
    assert notice.select_one("strong") is None
    assert notice.select_one("a.superseded-by")["href"] == f"http://testserver/a/{revision}"
    assert page.select_one(".title-line .status").get_text() == "Accepted"
    record = client.get(f"/api/v1/assessments/{original}").json()
    assert (record["status"], record["superseded_by"]["id"]) == ("accepted", revision)
