"""community notes, deadline reminders, moderator action log

Revision ID: v3
Revises: v2
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.errors import no_downgrade

revision = "v3"
down_revision: str | None = "v2"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "community_notes",
        sa.Column("platform", sa.Text, primary_key=True),
        sa.Column("chat_id", sa.Text, primary_key=True),
        sa.Column("situation", sa.Text, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("author_hash", sa.Text, nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "reminders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("user_id", sa.Text, nullable=False),
        sa.Column("chat_id", sa.Text),
        sa.Column("situation", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("requested_at", sa.Text, nullable=False),
        sa.Column("remind_at", sa.Text, nullable=False),
        sa.Column("deadline_at", sa.Text, nullable=False),
        sa.Column(
            "status",
            sa.Text,
            sa.CheckConstraint("status IN ('pending', 'sent', 'dropped', 'failed', 'cancelled')"),
            nullable=False,
            server_default="pending",
        ),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("done_at", sa.Text),
    )
    op.create_index("reminders_due", "reminders", ["status", "remind_at"])
    op.create_index("reminders_by_member", "reminders", ["platform", "user_id", "status"])
    op.create_table(
        "moderator_actions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("chat_id", sa.Text, nullable=False),
        sa.Column("actor_id", sa.Text, nullable=False),
        sa.Column("action", sa.Text, nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
        sa.Column("at", sa.Text, nullable=False),
    )
    op.create_index("moderator_actions_by_chat", "moderator_actions", ["platform", "chat_id", "at"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 3")


downgrade = no_downgrade
