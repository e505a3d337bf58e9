"""initial schema: conferences, documents, extractions, Bundesrat register

Revision ID: 0001
Revises: (none)
"""

from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bundesrat_procedures',
    sa.Column('drucksache', sa.String(length=8), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('status', sa.Text(), nullable=True),
    sa.Column('initiated', sa.Date(), nullable=True),
    sa.Column('updated', sa.Date(), nullable=True),
    sa.Column('dip_id', sa.String(length=32), nullable=True),
    sa.Column('source', sa.String(length=8), nullable=False),
    sa.Column('stored', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('drucksache', name=op.f('pk_bundesrat_procedures'))
    )
    op.create_table('conferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=16), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('session', sa.String(length=32), nullable=False),
    sa.Column('start', sa.Date(), nullable=False),
    sa.Column('end', sa.Date(), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=True),
    sa.Column('digital', sa.Boolean(), nullable=False),
    sa.Column('chair', sa.String(length=2), nullable=True),
    sa.Column('pre_conference', sa.Date(), nullable=True),
    sa.Column('minutes_sent', sa.Date(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conferences')),
    sa.UniqueConstraint('body', 'number', name='uq_conferences_body_number')
    )
    op.create_table('documents',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('original_name', sa.Text(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('first_seen', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received', sa.DateTime(timezone=True), nullable=True),
    sa.Column('received_source', sa.String(length=16), nullable=True),
    sa.Column('submitted_by', sa.String(length=2), nullable=True),
    sa.Column('sender', sa.Text(), nullable=True),
    sa.Column('reason_code', sa.String(length=32), nullable=True),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('conference_id', sa.Integer(), nullable=True),
    sa.Column('assigned_by', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['conference_id'], ['conferences.id'], name=op.f('fk_documents_conference_id_conferences')),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_documents'))
    )
    op.create_index('ix_documents_state', 'documents', ['state'])
    op.create_index('ix_documents_conference_id', 'documents', ['conference_id'])
    op.create_table('extractions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('pipeline_version', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('records', sa.JSON(), nullable=False),
    sa.Column('error_code', sa.String(length=32), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('created', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['sha256'], ['documents.sha256'], name=op.f('fk_extractions_sha256_documents')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_extractions')),
    sa.UniqueConstraint('sha256', 'pipeline_version', name='uq_extractions_sha256_version')
    )


def downgrade() -> None:
    op.drop_table('extractions')
    op.drop_table('documents')
    op.drop_table('conferences')
    op.drop_table('bundesrat_procedures')
