"""summary: a site's day of disinfection records in one index

Revision ID: 0011
Revises: 0008
Create Date: 2026-11-26 14:20:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0011"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index("ix_disinfection_record_site_day", "disinfection_record", ["site_id", "day"])


def downgrade() -> None:
    op.drop_index("ix_disinfection_record_site_day", table_name="disinfection_record")
