"""themes vocabulary

Revision ID: 0001
Revises:
Create Date: 2026-11-29 05:25:16.294678
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

THEMES = [
    ("transport", "交通出行", "Transport"),
    ("environment", "生态环境", "Environment"),
    ("health", "医疗卫生", "Health"),
    ("education", "教育科技", "Education and science"),
    ("economy", "经济运行", "Economy"),
    ("credit", "信用服务", "Credit"),
    ("finance", "财税金融", "Finance and taxation"),
    ("agriculture", "农业农村", "Agriculture and rural affairs"),
    ("employment", "社保就业", "Employment and social security"),
    ("public_safety", "公共安全", "Public safety"),
    ("housing", "城建住房", "Urban construction and housing"),
    ("culture", "文化休闲", "Culture, sport and tourism"),
    ("energy", "资源能源", "Resources and energy"),
    ("commerce", "商贸流通", "Commerce and trade"),
    ("geospatial", "地理空间", "Geospatial"),
    ("government", "机构团体", "Government and public bodies"),
    ("social_services", "社会民生", "Social services"),
]


def upgrade() -> None:
    themes = op.create_table(
        "themes",
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("name_zh", sa.String(length=64), nullable=False),
        sa.Column("name_en", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_themes")),
    )
    op.bulk_insert(
        themes,
        [
            {"code": code, "name_zh": zh, "name_en": en, "position": i}
            for i, (code, zh, en) in enumerate(THEMES)
        ],
    )


def downgrade() -> None:
    op.drop_table("themes")
