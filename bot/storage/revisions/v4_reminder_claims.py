"""reminder claims: each due reminder is sent by one process of a deployment

Revision ID: v4
Revises: v3
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from bot.storage.errors import no_downgrade

revision = "v4"
down_revision: str | None = "v3"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("reminders", sa.Column("claimed_by", sa.Text))
    op.add_column("reminders", sa.Column("claimed_until", sa.Text))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("PRAGMA user_version = 4")


downgrade = no_downgrade
