"""Migrations 0011-0013 (decision keys, audit trail, proposals and replaced links) move every
per-version manage token to its decision without losing one, on both databases, up and down."""

import hashlib

from alembic import command
from sqlalchemy import create_engine, inspect, text

from tests.test_migrations import alembic_config, empty_database  # noqa: F401 - a fixture


def sha(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def insert(connection, token: str, *, revised_from: int | None, manage: str | None, when: str):
    return connection.execute(
        text(
            "INSERT INTO assessments (share_token, title, team, notes, answers, current_step,"
            " created_at, updated_at, finished_at, revised_from_id, manage_token_hash, version)"
            " VALUES (:token, :title, '', '', '{}', 'review', :when, :when, :finished,"
            " :revised_from, :hash, 1) RETURNING id"
        ),
        {
            "token": token,
            "title": f"Title {token}",
            "when": when,
            "finished": when if manage else None,
            "revised_from": revised_from,
            "hash": sha(manage) if manage else None,
        },
    ).scalar_one()


def test_tokens_move_to_their_decision_and_back(empty_database):  # noqa: F811
    config = alembic_config(empty_database)
    command.upgrade(config, "0010")
    engine = create_engine(empty_database)
    with engine.begin() as connection:
        # A decision of three versions, each finished with a token of its own (v3 revises v2).
        v1 = insert(
            connection,
            "first-version-token-aa",
            revised_from=None,
            manage="k1",
            when="2026-01-01 10:00:00",
        )
        v2 = insert(
            connection,
            "second-version-token-a",
            revised_from=v1,
            manage="k2",
            when="2026-01-02 10:00:00",
        )
        v3 = insert(
            connection,
            "third-version-token-aa",
            revised_from=v2,
            manage="k3",
            when="2026-01-03 10:00:00",
        )
        # A draft revision of v3 (no token yet), and another decision made before tokens existed.
        draft = insert(
            connection,
            "draft-revision-token-a",
            revised_from=v3,
            manage=None,
            when="2026-01-04 10:00:00",
        )
        old = insert(
            connection,
            "before-tokens-token-aa",
            revised_from=None,
            manage=None,
            when="2025-12-01 10:00:00",
        )
        # A separate decision with its own token.
        other = insert(
            connection,
            "other-decision-token-a",
            revised_from=None,
            manage="k4",
            when="2026-01-05 10:00:00",
        )
    command.upgrade(config, "0013")
    with engine.connect() as connection:
        decisions = dict(connection.execute(text("SELECT id, decision_id FROM assessments")).all())
        keys = connection.execute(
            text("SELECT decision_id, key_hash, label, revoked_at FROM manage_keys ORDER BY id")
        ).all()
        proposals = connection.execute(text("SELECT DISTINCT is_proposal FROM assessments")).all()
    assert decisions == {v1: v1, v2: v1, v3: v1, draft: v1, old: old, other: other}
    assert [tuple(k) for k in keys] == [
        (v1, sha("k1"), "", None),
        (v1, sha("k2"), "", None),
        (v1, sha("k3"), "", None),
        (other, sha("k4"), "", None),
    ]
    assert [bool(p[0]) for p in proposals] == [False]
    names = {c["name"] for c in inspect(engine).get_columns("assessments")}
    assert "manage_token_hash" not in names
    assert {"decision_id", "is_proposal"} <= names

    command.downgrade(config, "0010")
    with engine.connect() as connection:
        back = dict(connection.execute(text("SELECT id, manage_token_hash FROM assessments")).all())
    # Each finished version gets its decision's oldest key back; drafts and keyless stay empty.
    assert back == {
        v1: sha("k1"),
        v2: sha("k1"),
        v3: sha("k1"),
        draft: None,
        old: None,
        other: sha("k4"),
    }
    tables = set(inspect(engine).get_table_names())
    assert not {"manage_keys", "audit_events", "replaced_links"} & tables
    command.upgrade(config, "head")
    with engine.connect() as connection:
        again = connection.execute(
            text("SELECT decision_id, key_hash FROM manage_keys ORDER BY id")
        ).all()
    # Up again: the versions' shared token is one key of their decision.
    assert [tuple(k) for k in again] == [(v1, sha("k1")), (other, sha("k4"))]
    engine.dispose()
