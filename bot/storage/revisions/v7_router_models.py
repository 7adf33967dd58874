"""the question router models a deployment trained from its confirmed examples

Revision ID: v7
Revises: v6
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.errors import no_downgrade

revision = "v7"
down_revision: str | None = "v6"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "router_models",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("trained_at", sa.Text, nullable=False),
        sa.Column("examples", sa.Integer, nullable=False),
        sa.Column("items", sa.Integer, nullable=False),
        sa.Column("figures", sa.Text, nullable=False),
        sa.Column("model", sa.Text, nullable=False),
        sa.Column("active", sa.Integer, sa.CheckConstraint("active IN (0, 1)"), nullable=False),
    )
    op.create_index("router_models_active", "router_models", ["active"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 7")


downgrade = no_downgrade
