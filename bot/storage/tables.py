"""The tables, defined once for every engine (SQLAlchemy Core metadata).

Times are stored as fixed-width ISO 8601 UTC text (:func:`bot.storage.values.to_db_time`) on
every engine: they sort chronologically, SQLite files written before SQLAlchemy keep their
values as they are, and a deployment copies between engines row for row. The migrations in
``bot/storage/revisions`` create exactly these tables; a test compares the two.
"""

from __future__ import annotations

from sqlalchemy import (
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

member_prefs = Table(
    "member_prefs",
    metadata,
    Column("platform", Text, primary_key=True),
    Column("user_hash", Text, primary_key=True),
    Column("lang", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

community_settings = Table(
    "community_settings",
    metadata,
    Column("platform", Text, primary_key=True),
    Column("chat_id", Text, primary_key=True),
    Column("default_lang", Text),
    Column("updated_at", Text, nullable=False),
)

feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("user_hash", Text, nullable=False),
    Column("answer_ref", Text, nullable=False),
    Column("situation", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("helpful", Integer, CheckConstraint("helpful IN (0, 1)"), nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
    Column("chat_id", Text),
    UniqueConstraint("platform", "user_hash", "answer_ref"),
    Index("feedback_by_chat", "platform", "chat_id", "updated_at"),
    Index("feedback_by_situation", "situation", "lang"),
)

questions = Table(
    "questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("chat_id", Text),
    Column("situation", Text),
    Column("lang", Text, nullable=False),
    Column("asked_at", Text, nullable=False),
    Index("questions_by_time", "asked_at"),
    Index("questions_by_chat", "platform", "chat_id", "asked_at"),
)

unrouted = Table(
    "unrouted",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("chat_id", Text),
    Column("text", Text, nullable=False),
    Column("normalised", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("asked_at", Text, nullable=False),
    Index("unrouted_by_time", "asked_at"),
    Index("unrouted_by_chat", "platform", "chat_id", "asked_at"),
)

pins = Table(
    "pins",
    metadata,
    Column("platform", Text, primary_key=True),
    Column("chat_id", Text, primary_key=True),
    Column("message_id", Text, primary_key=True),
    Column("situation", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("content_version", Text, nullable=False),
    Column("pinned_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

community_notes = Table(
    "community_notes",
    metadata,
    Column("platform", Text, primary_key=True),
    Column("chat_id", Text, primary_key=True),
    Column("situation", Text, primary_key=True),
    Column("text", Text, nullable=False),
    Column("author_hash", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("updated_at", Text, nullable=False),
)

reminders = Table(
    "reminders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("user_id", Text, nullable=False),
    Column("chat_id", Text),
    Column("situation", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("requested_at", Text, nullable=False),
    Column("remind_at", Text, nullable=False),
    Column("deadline_at", Text, nullable=False),
    Column(
        "status",
        Text,
        CheckConstraint("status IN ('pending', 'sent', 'dropped', 'failed', 'cancelled')"),
        nullable=False,
        server_default="pending",
    ),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("done_at", Text),
    # the process that claimed it to send it, and until when (schema 4): one sender each
    Column("claimed_by", Text),
    Column("claimed_until", Text),
    Index("reminders_due", "status", "remind_at"),
    Index("reminders_by_member", "platform", "user_id", "status"),
)

moderator_actions = Table(
    "moderator_actions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("chat_id", Text, nullable=False),
    Column("actor_id", Text, nullable=False),
    Column("action", Text, nullable=False),
    Column("detail", Text, nullable=False),
    Column("at", Text, nullable=False),
    Index("moderator_actions_by_chat", "platform", "chat_id", "at"),
)

leases = Table(
    "leases",
    metadata,
    # background work done by one process of a deployment at a time (schema 5): who holds
    # it, and until when (a process that dies frees it then)
    Column("name", Text, primary_key=True),
    Column("owner", Text, nullable=False),
    Column("until", Text, nullable=False),
)

dashboard_links = Table(
    "dashboard_links",
    metadata,
    # one-time sign-in links to the moderators' dashboard (schema 6): only the token's hash
    # is kept; a link opens one community's session once, before it expires
    Column("token_hash", Text, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("chat_id", Text, nullable=False),
    Column("created_at", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
    Column("used_at", Text),
)

asked = Table(
    "asked",
    metadata,
    # questions whose answer offered choices (schema 6), kept a few days so the member's
    # choice can become a suggested example; ``ref`` travels in the choice buttons' tokens.
    # No member identity.
    Column("ref", Text, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("chat_id", Text),
    Column("text", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("situation", Text),
    Column("created_at", Text, nullable=False),
    Column("unhelpful_at", Text),
    # 1 once a moderator said which answer it needed (it leaves the dashboard's list)
    Column("answered", Integer, nullable=False, server_default="0"),
    Index("asked_by_time", "created_at"),
    Index("asked_unhelpful", "platform", "chat_id", "unhelpful_at"),
)

examples = Table(
    "examples",
    metadata,
    # labelled questions from the community (schema 6): suggested by a member's choice,
    # confirmed, corrected or rejected by moderators; ``answer`` NULL: off-topic
    Column("id", Integer, primary_key=True),
    Column("platform", Text, nullable=False),
    Column("chat_id", Text),
    Column("text", Text, nullable=False),
    Column("lang", Text, nullable=False),
    Column("answer", Text),
    Column(
        "source",
        Text,
        CheckConstraint("source IN ('unsure-choice', 'not-helpful-choice', 'moderator')"),
        nullable=False,
    ),
    Column(
        "status",
        Text,
        CheckConstraint("status IN ('suggested', 'confirmed', 'rejected')"),
        nullable=False,
    ),
    Column("created_at", Text, nullable=False),
    Column("decided_at", Text),
    Index("examples_by_chat", "platform", "chat_id", "status", "created_at"),
)

router_models = Table(
    "router_models",
    metadata,
    # question router models retrained by ``sellerbot train`` (schema 7): the shipped corpus
    # plus the deployment's confirmed examples; the one ``active`` row is what every process
    # of the deployment answers with (none active: the shipped model/router.json)
    Column("id", Integer, primary_key=True),
    Column("trained_at", Text, nullable=False),
    Column("examples", Integer, nullable=False),  # confirmed examples it learnt from
    Column("items", Integer, nullable=False),  # corpus items it learnt from
    Column("figures", Text, nullable=False),  # JSON: cross-validated figures, before and after
    Column("model", Text, nullable=False),  # JSON: the model (bot.core.classifier)
    Column("active", Integer, CheckConstraint("active IN (0, 1)"), nullable=False),
    Index("router_models_active", "active"),
)

#: Every table, in an order that copies cleanly (no foreign keys today).
ALL_TABLES = tuple(metadata.sorted_tables)
#: Every table keyed by a community, with the columns that make a row unique within one.
COMMUNITY_TABLES: tuple[tuple[Table, tuple[str, ...] | None], ...] = (
    (community_settings, ()),
    (community_notes, ("situation",)),
    (pins, ("message_id",)),
    (questions, None),
    (unrouted, None),
    (feedback, None),
    (reminders, None),
    (moderator_actions, None),
    (dashboard_links, None),
    (asked, None),
    (examples, None),
)
