"""dashboard sign-in links, questions awaiting a member's choice, suggested examples

Revision ID: v6
Revises: v5
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.errors import no_downgrade

revision = "v6"
down_revision: str | None = "v5"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "dashboard_links",
        sa.Column("token_hash", sa.Text, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("chat_id", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("expires_at", sa.Text, nullable=False),
        sa.Column("used_at", sa.Text),
    )
    op.create_table(
        "asked",
        sa.Column("ref", sa.Text, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("chat_id", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("situation", sa.Text),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("unhelpful_at", sa.Text),
        sa.Column("answered", sa.Integer, nullable=False, server_default="0"),
    )
    op.create_index("asked_by_time", "asked", ["created_at"])
    op.create_index("asked_unhelpful", "asked", ["platform", "chat_id", "unhelpful_at"])
    op.create_table(
        "examples",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("chat_id", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("answer", sa.Text),
        sa.Column(
            "source",
            sa.Text,
            sa.CheckConstraint("source IN ('unsure-choice', 'not-helpful-choice', 'moderator')"),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Text,
            sa.CheckConstraint("status IN ('suggested', 'confirmed', 'rejected')"),
            nullable=False,
        ),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("decided_at", sa.Text),
    )
    op.create_index("examples_by_chat", "examples", ["platform", "chat_id", "status", "created_at"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 6")


downgrade = no_downgrade
