"""R3b: a Hypothesis state machine drives the wizard through random orders of posts.

Drafts are started, steps posted in any order with valid and invalid answers, with Next and
Back, as plain forms and as htmx; steps ahead are opened, details edited, drafts finished at
random moments, finished ones revised, unknown links tried. On SQLite and PostgreSQL, after every
move:

- no response is a 5xx;
- a finished assessment never changes again (answers, verdict, title, timestamps);
- a 422 changes nothing that is stored;
- finish succeeds exactly when the review was reached and every stored answer is valid, and its
  verdict is the engine's;
- a draft's current step never moves backwards;
- each answer is the status and redirect the wizard promises (303 to the right page, 200, 404).
"""

import string
from typing import Any
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func, select

from app import assessments, decision
from app.models import Assessment

# Random answers go through JSON storage: on PostgreSQL too (a run there once answered 422 to a
# valid finish).
pytestmark = [pytest.mark.slow, pytest.mark.storage]

STEPS = decision.STEP_KEYS
PROGRESS = assessments.PROGRESS
PAGES = (*STEPS, "details", "review")
HTMX = {"HX-Request": "true"}
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)


@st.composite
def titles(draw) -> str:
    return draw(
        st.one_of(
            st.text(string.ascii_letters + " 客服", min_size=1, max_size=30),
            st.sampled_from(["", "   ", "\t\n", "x" * 201, "Refund agent", "  padded  "]),
            TEXT,
        )
    )


@st.composite
def answer_value(draw, question: decision.Question) -> str | None:
    """None leaves the field out of the form; anything else is posted as typed."""
    if question.kind == "integer":
        return draw(
            st.one_of(
                st.none(),
                st.just(""),
                st.integers(question.minimum or 0, question.maximum or 100).map(str),
                st.sampled_from(
                    ["-1", "101", "9999999", "95%", " 42 ", "９５", "4.5", "1e2", "abc"]
                ),
            )
        )
    return draw(
        st.one_of(
            st.sampled_from(question.option_keys),
            st.sampled_from(question.option_keys).map(lambda key: f" {key} "),
            st.sampled_from(question.option_keys).map(str.upper),
            st.none(),
            st.just(""),
            TEXT,
        )
    )


@st.composite
def step_form(draw, step: str) -> dict[str, str]:
    form: dict[str, str] = {}
    valid_only = draw(st.booleans())
    for question in decision.QUESTIONS.values():
        if question.step != step:
            continue
        if valid_only:
            value = (
                str(draw(st.integers(0, 100)))
                if question.kind == "integer"
                else draw(st.sampled_from(question.option_keys))
            )
        else:
            value = draw(answer_value(question))
        if value is not None:
            form[question.key] = value
    extra = draw(st.sampled_from([None, None, None, "unknown", "other_step"]))
    if extra == "unknown":
        form["no_such_question"] = "x"
    elif extra == "other_step":
        other = draw(st.sampled_from([q for q in decision.QUESTIONS.values() if q.step != step]))
        form[other.key] = other.option_keys[0] if other.kind == "choice" else "50"
    return form


def path_of(response) -> str:
    return urlsplit(response.headers.get("location", "")).path


def page_path(token: str, page: str) -> str:
    return f"/d/{token}/{page}"


class WizardMachine(RuleBasedStateMachine):
    """The system under test is the `client` fixture's app; `client` is set before each run."""

    client = None
    drafts = Bundle("drafts")
    finished = Bundle("finished")

    def __init__(self) -> None:
        super().__init__()
        self.db = self.client.app.state.db
        self.frozen: dict[str, dict[str, Any]] = {}
        self.reached: dict[str, int] = {}

    # --- helpers ---------------------------------------------------------------------------

    def send(self, method: str, url: str, **kwargs):
        response = self.client.request(method, url, **kwargs)
        assert response.status_code < 500, (
            f"{method} {url} -> {response.status_code}: {response.text[:500]}"
        )
        return response

    def rows(self, tokens=None) -> dict[str, dict[str, Any]]:
        with self.db.read() as session:
            query = select(Assessment)
            if tokens is not None:
                query = query.where(Assessment.share_token.in_(list(tokens)))
            return {
                a.share_token: {
                    "title": a.title,
                    "team": a.team,
                    "notes": a.notes,
                    "answers": dict(a.answers),
                    "typed": dict(a.typed_answers or {}),
                    "current_step": a.current_step,
                    "finished_at": a.finished_at,
                    "verdict": a.verdict,
                    "recommendation": a.recommendation,
                    "confidence": a.confidence,
                    "rules_version": a.rules_version,
                    "created_at": a.created_at,
                }
                for a in session.scalars(query)
            }

    def count(self) -> int:
        """How many assessments are stored (counted, not loaded: the table grows over a run)."""
        with self.db.read() as session:
            return session.scalar(select(func.count()).select_from(Assessment))

    def row(self, token: str) -> dict[str, Any]:
        return self.rows([token])[token]

    def expect_verdict_redirect(self, response, token: str) -> None:
        assert response.status_code == 303, response.text[:300]
        assert path_of(response) == f"/a/{token}"

    def track(self, token: str) -> None:
        """Remember a finished assessment as it is now; it must never change again."""
        row = self.row(token)
        assert row["finished_at"] is not None
        self.frozen.setdefault(token, row)

    # --- rules -----------------------------------------------------------------------------

    @rule(target=drafts, title=titles(), team=st.sampled_from(["", "Support", "t" * 101]))
    def start(self, title, team):
        meta, errors = assessments.validate_meta({"title": title, "team": team})
        before = self.count()
        response = self.send("POST", "/new", data={"title": title, "team": team})
        if errors:
            assert response.status_code == 422
            assert self.count() == before, "a refused start stored a draft"
            return multiple()
        assert response.status_code == 303
        token = path_of(response).split("/")[2]
        assert path_of(response) == page_path(token, "task")
        row = self.row(token)
        assert (row["title"], row["team"]) == (meta["title"], meta["team"])
        assert row["current_step"] == "task"
        self.reached[token] = 0
        return token

    @rule(
        token=drafts,
        data=st.data(),
        nav=st.sampled_from([None, "next", "back"]),
        htmx=st.booleans(),
    )
    def post_step(self, token, data, nav, htmx):
        current = self.row(token)["current_step"]
        # Mostly the step the draft is on, else one already answered, else any (maybe ahead).
        reached = [s for s in STEPS if PROGRESS.index(s) <= PROGRESS.index(current)]
        step = data.draw(
            st.one_of(
                st.just(current if current in STEPS else STEPS[-1]),
                st.sampled_from(reached),
                st.sampled_from(STEPS),
            ),
            label="step",
        )
        self.post(token, step, data.draw(step_form(step), label="form"), nav, htmx)

    @rule(token=drafts, data=st.data())
    def walk_to_review(self, token, data):
        """A well-behaved user: valid answers for each step from the current one to the end."""
        current = self.row(token)["current_step"]
        if current not in STEPS:
            return
        for step in STEPS[STEPS.index(current) :]:
            form = {
                q.key: data.draw(st.sampled_from(q.option_keys))
                if q.kind == "choice"
                else str(data.draw(st.integers(0, 100)))
                for q in decision.QUESTIONS.values()
                if q.step == step
            }
            self.post(token, step, form, None, False)

    def post(
        self, token: str, step: str, form: dict[str, str], nav: str | None, htmx: bool
    ) -> None:
        if nav:
            form = {**form, "nav": nav}
        before = self.row(token)
        response = self.send("POST", f"/d/{token}/{step}", data=form, headers=HTMX if htmx else {})
        after = self.row(token)
        if any("\x00" in v for v in form.values()):
            # A NUL can't be stored: refused before any route reads the form (text_input.py).
            event("post step: NUL refused")
            assert response.status_code == 422
            assert after == before, "a refused form changed the draft"
            return
        if before["finished_at"] is not None:
            event("post step: finished")
            self.expect_verdict_redirect(response, token)
            return
        current = PROGRESS.index(before["current_step"])
        if PROGRESS.index(step) > current:
            event("post step: ahead")
            assert response.status_code == 303
            assert path_of(response).endswith(f"/{before['current_step']}")
            assert after == before, "a post to a step ahead changed the draft"
            return
        raw = {k: v for k, v in form.items() if k != "nav"}
        answers, errors = decision.validate_answers(raw, steps=[step])
        event(f"post step: {'back' if nav == 'back' else 'refused' if errors else 'saved'}")
        if nav == "back":
            # Back keeps what is valid, never refuses, and goes one page back.
            assert response.status_code == 303
            target = assessments.previous_step(step) or "details"
            assert path_of(response) == page_path(token, target)
            assert after["answers"] == {
                **before["answers"],
                **{k: v for k, v in answers.items() if k in raw},
            }
        elif errors:
            assert response.status_code == 422
            assert after == before, "a 422 changed what was stored"
        else:
            assert response.status_code == 303
            assert path_of(response) == page_path(token, assessments.next_step(step))
            assert after["answers"] == {**before["answers"], **answers}
            assert PROGRESS.index(after["current_step"]) >= PROGRESS.index(step) + 1

    @rule(token=drafts, page=st.sampled_from(PAGES), htmx=st.booleans())
    def open_page(self, token, page, htmx):
        before = self.row(token)
        response = self.send("GET", f"/d/{token}/{page}", headers=HTMX if htmx else {})
        assert self.row(token) == before, "a GET changed the draft"
        if before["finished_at"] is not None:
            self.expect_verdict_redirect(response, token)
            return
        current = before["current_step"]
        if page == "details":
            assert response.status_code == 200
        elif page == "review" and current != "review":
            assert (response.status_code, path_of(response)) == (303, page_path(token, current))
        elif page in STEPS and PROGRESS.index(page) > PROGRESS.index(current):
            assert (response.status_code, path_of(response)) == (303, page_path(token, current))
        else:
            assert response.status_code == 200

    @rule(token=drafts, title=titles())
    def edit_details(self, token, title):
        before = self.row(token)
        meta, errors = assessments.validate_meta({"title": title, "team": before["team"]})
        response = self.send(
            "POST", f"/d/{token}/details", data={"title": title, "team": before["team"]}
        )
        after = self.row(token)
        if before["finished_at"] is not None:
            self.expect_verdict_redirect(response, token)
        elif errors:
            assert response.status_code == 422
            assert after == before, "a 422 changed what was stored"
        else:
            assert (response.status_code, path_of(response)) == (303, page_path(token, "task"))
            assert after["title"] == meta["title"]
            assert after["answers"] == before["answers"]
            assert after["current_step"] == before["current_step"]

    @rule(target=finished, token=drafts, htmx=st.booleans())
    def finish(self, token, htmx):
        before = self.row(token)
        response = self.send("POST", f"/d/{token}/finish", headers=HTMX if htmx else {})
        after = self.row(token)
        if before["finished_at"] is not None:
            assert response.status_code in (204, 303)
            assert after == before
            return token
        if before["current_step"] != "review":
            event("finish: before the review")
            assert response.status_code == 303, "finish before the review was not sent back"
            assert urlsplit(response.headers["location"]).path.startswith(f"/d/{token}/")
            assert after == before, "finishing before the review changed the draft"
            return multiple()
        # Finish judges what the review shows: the stored answers, with what was typed and kept
        # in their place when a step was left with an invalid answer (assessments.pending_answers).
        typed = {k: v for k, v in before["typed"].items() if k in decision.QUESTIONS}
        answers, errors = decision.validate_answers({**before["answers"], **typed})
        event(f"finish: {'refused' if errors else 'finished'} from {before['current_step']}")
        if errors:
            assert response.status_code == 422, "finish succeeded with invalid or missing answers"
            assert after == before, "a refused finish changed the draft"
            return multiple()
        if htmx:
            assert response.status_code == 204
            assert urlsplit(response.headers["HX-Redirect"]).path == f"/a/{token}"
        else:
            self.expect_verdict_redirect(response, token)
        assert after["finished_at"] is not None and after["current_step"] == "review"
        assert after["answers"] == answers
        assert after["recommendation"] == decision.evaluate(answers).recommendation
        assert (after["title"], after["team"], after["notes"]) == (
            before["title"],
            before["team"],
            before["notes"],
        )
        self.track(token)
        return token

    @rule(token=finished)
    def finish_again(self, token):
        response = self.send("POST", f"/d/{token}/finish")
        self.expect_verdict_redirect(response, token)

    @rule(token=finished, data=st.data(), step=st.sampled_from(STEPS))
    def post_to_a_finished_assessment(self, token, data, step):
        form = data.draw(step_form(step))
        response = self.send("POST", f"/d/{token}/{step}", data=form)
        if any("\x00" in v for v in form.values()):
            # As in post(): a NUL is refused at the door (text_input.py), finished or not.
            assert response.status_code == 422
        else:
            self.expect_verdict_redirect(response, token)
        response = self.send("POST", f"/d/{token}/details", data={"title": "Changed"})
        self.expect_verdict_redirect(response, token)

    @rule(token=finished)
    def read_verdict(self, token):
        assert self.send("GET", f"/a/{token}").status_code == 200
        record = self.send("GET", f"/api/v1/assessments/{token}").json()
        assert record["answers"] == self.frozen[token]["answers"]

    @rule(target=drafts, token=finished)
    def revise(self, token):
        original = self.row(token)
        response = self.send("POST", f"/a/{token}/revise")
        assert response.status_code == 303
        new = path_of(response).split("/")[2]
        assert new != token and path_of(response) == page_path(new, "review")
        draft = self.row(new)
        assert draft["finished_at"] is None and draft["current_step"] == "review"
        assert (draft["answers"], draft["title"]) == (original["answers"], original["title"])
        self.reached[new] = PROGRESS.index("review")
        return new

    @rule(token=drafts)
    def open_a_draft_as_verdict(self, token):
        row = self.row(token)
        response = self.send("GET", f"/a/{token}")
        if row["finished_at"] is None:
            assert (response.status_code, path_of(response)) == (303, f"/d/{token}")
        else:
            assert response.status_code == 200

    @rule(
        token=st.one_of(st.from_regex(r"\A[A-Za-z0-9_-]{0,70}\Z"), st.just("a" * 43)),
        page=st.sampled_from([*PAGES, "finish", "nope"]),
        method=st.sampled_from(["GET", "POST"]),
    )
    def unknown_link(self, token, page, method):
        if not token or (method == "GET" and page == "finish"):
            return
        response = self.send(method, f"/d/{token}/{page}", data={"task_type": "style"})
        assert response.status_code in (404, 405), response.status_code

    @precondition(lambda self: len(self.frozen) > 0)
    @rule(token=consumes(finished))
    def forget(self, token):
        """Lets the machine move on to new drafts; the finished one stays under watch."""

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def finished_assessments_never_change(self):
        if self.frozen:
            now = self.rows(self.frozen)
            for token, snapshot in self.frozen.items():
                assert now[token] == snapshot, f"finished assessment {token[:8]}… changed"

    @invariant()
    def current_step_never_moves_back(self):
        if not self.reached:
            return
        now = self.rows(self.reached)
        for token, reached in self.reached.items():
            index = PROGRESS.index(now[token]["current_step"])
            assert index >= reached, (
                f"{token[:8]}… went back from {PROGRESS[reached]} to {PROGRESS[index]}"
            )
            self.reached[token] = index


def test_wizard_survives_random_orders_of_posts(client):
    WizardMachine.client = client
    try:
        run_state_machine_as_test(
            WizardMachine,
            settings=settings(
                max_examples=30,
                stateful_step_count=20,
                deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            ),
        )
    finally:
        WizardMachine.client = None
