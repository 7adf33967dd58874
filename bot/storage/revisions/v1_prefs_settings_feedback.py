"""member preferences, community settings, feedback

Revision ID: v1
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.errors import no_downgrade

revision = "v1"
down_revision: str | None = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "member_prefs",
        sa.Column("platform", sa.Text, primary_key=True),
        sa.Column("user_hash", sa.Text, primary_key=True),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "community_settings",
        sa.Column("platform", sa.Text, primary_key=True),
        sa.Column("chat_id", sa.Text, primary_key=True),
        sa.Column("default_lang", sa.Text),
        sa.Column("updated_at", sa.Text, nullable=False),
    )
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("platform", sa.Text, nullable=False),
        sa.Column("user_hash", sa.Text, nullable=False),
        sa.Column("answer_ref", sa.Text, nullable=False),
        sa.Column("situation", sa.Text, nullable=False),
        sa.Column("lang", sa.Text, nullable=False),
        sa.Column("helpful", sa.Integer, sa.CheckConstraint("helpful IN (0, 1)"), nullable=False),
        sa.Column("created_at", sa.Text, nullable=False),
        sa.Column("updated_at", sa.Text, nullable=False),
        sa.UniqueConstraint("platform", "user_hash", "answer_ref"),
    )
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 1")


downgrade = no_downgrade
