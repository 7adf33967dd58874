"""questions, unrouted texts, pins; chat id on feedback

Revision ID: v2
Revises: v1
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.errors import no_downgrade

revision = "v2"
down_revision: str | None = "v1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("chat_id", sa.Text),
        sa.Column("situation", sa.Text),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("asked_at", sa.Text, nullable=False),
    )
    op.create_index("questions_by_time", "questions", ["asked_at"])
    op.create_index("questions_by_chat", "questions", ["platform", "chat_id", "asked_at"])
    op.create_table(
        "unrouted",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("chat_id", sa.Text),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("normalised", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("asked_at", sa.Text, nullable=False),
    )
    op.create_index("unrouted_by_time", "unrouted", ["asked_at"])
    op.create_index("unrouted_by_chat", "unrouted", ["platform", "chat_id", "asked_at"])
    op.create_table(
        "pins",
        sa.Column("platform", sa.Text, primary_key=True),
        sa.Column("chat_id", sa.Text, primary_key=True),
        sa.Column("message_id", sa.Text, primary_key=True),
        sa.Column("situation", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("content_version", sa.Text, nullable=False),
        sa.Column("pinned_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.add_column("feedback", sa.Column("chat_id", sa.Text))
    op.create_index("feedback_by_chat", "feedback", ["platform", "chat_id", "updated_at"])
    op.create_index("feedback_by_situation", "feedback", ["situation", "lang"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 2")


downgrade = no_downgrade
