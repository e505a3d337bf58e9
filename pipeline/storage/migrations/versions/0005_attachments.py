"""attachments: one row per e-mail attachment and its outcome (intmk status counts them)

Revision ID: 0005
Revises: 0004

Attachments stored before this revision are filled in from their documents (``parent_sha256``),
numbered in the order they were first seen; duplicates of that time had no row anywhere and stay
uncounted.
"""

from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('attachments',
    sa.Column('email_claim_id', sa.String(length=64), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('reason_code', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['email_claim_id'], ['arrivals.claim_id'],
                            name=op.f('fk_attachments_email_claim_id_arrivals')),
    sa.PrimaryKeyConstraint('email_claim_id', 'position', name=op.f('pk_attachments'))
    )
    op.create_index(op.f('ix_attachments_sha256'), 'attachments', ['sha256'], unique=False)
    op.create_index(op.f('ix_attachments_outcome'), 'attachments', ['outcome'], unique=False)
    fill_in_stored_attachments()


def fill_in_stored_attachments() -> None:
    bind = op.get_bind()
    rows = bind.execute(sa.text(
        "SELECT a.claim_id, d.original_name, d.sha256, d.state, d.reason_code, d.reason, d.first_seen "
        "FROM documents d JOIN arrivals a ON a.sha256 = d.parent_sha256 AND a.outcome = 'processed' "
        "WHERE d.parent_sha256 IS NOT NULL AND d.state IN ('processed', 'quarantined') "
        "ORDER BY a.claim_id, d.first_seen, d.sha256"
    )).all()
    positions: dict[str, int] = {}
    for claim_id, name, sha256, state, reason_code, reason, first_seen in rows:
        positions[claim_id] = positions.get(claim_id, 0) + 1
        bind.execute(sa.text(
            "INSERT INTO attachments (email_claim_id, position, name, sha256, outcome, reason_code, reason, finished_at) "
            "VALUES (:claim, :position, :name, :sha256, :outcome, :code, :reason, :finished)"
        ), {"claim": claim_id, "position": positions[claim_id], "name": name, "sha256": sha256, "outcome": state,
            "code": reason_code, "reason": reason, "finished": first_seen})


def downgrade() -> None:
    op.drop_index(op.f('ix_attachments_outcome'), table_name='attachments')
    op.drop_index(op.f('ix_attachments_sha256'), table_name='attachments')
    op.drop_table('attachments')
