"""meeting inputs: participants, votes, statements, annexes, Erfolgskontrolle per conference

Revision ID: 0003
Revises: 0002
"""

from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meeting_inputs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conference_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('entries', sa.JSON(), nullable=False),
    sa.Column('source_name', sa.Text(), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('imported', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_meeting_inputs_conference_id_conferences')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_meeting_inputs')),
    sa.UniqueConstraint('conference_id', 'kind', name='uq_meeting_inputs_conference_kind')
    )


def downgrade() -> None:
    op.drop_table('meeting_inputs')
