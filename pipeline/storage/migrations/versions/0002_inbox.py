"""inbox: arrivals (one row per claimed file), document location and e-mail parent

Revision ID: 0002
Revises: 0001
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('arrivals',
    sa.Column('claim_id', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.Text(), nullable=False),
    sa.Column('claimed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=True),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('location', sa.Text(), nullable=True),
    sa.Column('reason_code', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_arrivals'))
    )
    op.create_index(op.f('ix_arrivals_sha256'), 'arrivals', ['sha256'], unique=False)
    op.create_index(op.f('ix_arrivals_outcome'), 'arrivals', ['outcome'], unique=False)
    with op.batch_alter_table('documents') as batch:
        batch.add_column(sa.Column('location', sa.Text(), nullable=True))
        batch.add_column(sa.Column('parent_sha256', sa.String(length=64), nullable=True))
        batch.create_index(batch.f('ix_documents_parent_sha256'), ['parent_sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('documents') as batch:
        batch.drop_index(batch.f('ix_documents_parent_sha256'))
        batch.drop_column('parent_sha256')
        batch.drop_column('location')
    op.drop_index(op.f('ix_arrivals_outcome'), table_name='arrivals')
    op.drop_index(op.f('ix_arrivals_sha256'), table_name='arrivals')
    op.drop_table('arrivals')
