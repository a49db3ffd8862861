"""QS Enrolment's tables (SQLAlchemy Core): accounts and grants, throttle rules, the CRM.

Contacts keep their lists (``Courses``, ``Tags``, ``Consents``) as JSON text;
``email_key`` and ``mobile_key`` are the normalised forms contact matching
looks candidates up by, kept beside the values the client sent.
"""

from __future__ import annotations

import sqlalchemy as sa

from ..core import Core

LOCK_MATCHING = "matching"


def define_tables(core: Core) -> None:
    table = core.storage.table
    table("accounts",
          sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("username", sa.String(100), nullable=False),
          sa.Column("username_key", sa.String(100), nullable=False, unique=True),
          sa.Column("password_hash", sa.String(200), nullable=False),
          sa.Column("description", sa.String(300), nullable=True))
    table("grants",
          sa.Column("account_id", sa.Integer, sa.ForeignKey("qses_accounts.id",
                                                            ondelete="CASCADE"),
                    primary_key=True),
          sa.Column("endpoint", sa.String(100), primary_key=True))
    table("throttle_rules",
          sa.Column("endpoint", sa.String(100), primary_key=True),  # "*": every endpoint
          sa.Column("client", sa.String(64), primary_key=True),  # "*": every client
          sa.Column("period", sa.String(10), primary_key=True),
          sa.Column("threshold", sa.Integer, nullable=False))
    table("locks",
          sa.Column("name", sa.String(40), primary_key=True),
          sa.Column("version", sa.Integer, nullable=False))
    table("courses",
          sa.Column("id", sa.Integer, primary_key=True),
          sa.Column("code", sa.String(40), nullable=False, unique=True),
          sa.Column("name", sa.String(300), nullable=False),
          sa.Column("qualification_id", sa.Integer, nullable=True),
          sa.Column("study_level_id", sa.Integer, nullable=True),
          sa.Column("faculty_id", sa.Integer, nullable=True),
          sa.Column("department_id", sa.Integer, nullable=True),
          sa.Column("cricos_code", sa.String(20), nullable=True),
          sa.Column("duration_weeks", sa.Integer, nullable=True),
          sa.Column("inactive", sa.Boolean, nullable=False, default=False))
    _contacts(core)
    _communications(core)


def _contacts(core: Core) -> None:
    text = [sa.Column(name, sa.String(length), nullable=True) for name, length in (
        ("student_institution_id", 50), ("salutation", 20), ("name", 100), ("surname", 100),
        ("middle_name", 100), ("alias", 100), ("former_name", 100), ("gender", 1),
        ("email_address", 256), ("mobile", 50), ("country_of_citizenship", 2),
        ("country_of_residence", 2), ("visa_type", 100), ("heat_status", 50),
        ("contact_status", 50), ("sub_channel", 100), ("intake", 50))]
    core.storage.table(
        "contacts",
        sa.Column("crm_number", sa.Integer, primary_key=True),
        *text,
        sa.Column("date_of_birth", sa.Date, nullable=True),
        sa.Column("courses", sa.Text, nullable=True),
        sa.Column("tags", sa.Text, nullable=True),
        sa.Column("consents", sa.Text, nullable=True),
        sa.Column("subscribed_to_direct_emails", sa.Boolean, nullable=True),
        sa.Column("subscribed_to_phone_calls", sa.Boolean, nullable=True),
        sa.Column("subscribed_to_sms", sa.Boolean, nullable=True),
        sa.Column("email_key", sa.String(256), nullable=True, index=True),
        sa.Column("mobile_key", sa.String(20), nullable=True, index=True),
        sa.Column("created_date", sa.DateTime, nullable=False),
        sa.Column("modified_date", sa.DateTime, nullable=False),
        sa.Index("qses_contacts_institution", "student_institution_id"),
    )
    core.storage.table(
        "contact_addresses",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("crm_number", sa.Integer, sa.ForeignKey("qses_contacts.crm_number"),
                  nullable=False, index=True),
        *[sa.Column(n, sa.String(200), nullable=True) for n in (
            "address_type", "line1", "line2", "city", "state", "postcode", "country")],
        sa.Column("primary", sa.Boolean, nullable=False, default=False))


def _communications(core: Core) -> None:
    core.storage.table(
        "phone_communications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("crm_number", sa.Integer, sa.ForeignKey("qses_contacts.crm_number"),
                  nullable=False, index=True),
        sa.Column("incoming", sa.Boolean, nullable=False),
        sa.Column("phone_number", sa.String(50), nullable=True),
        sa.Column("duration_seconds", sa.Integer, nullable=True),
        sa.Column("outcome", sa.String(50), nullable=True),
        sa.Column("notes", sa.Text, nullable=True),
        sa.Column("date_created", sa.DateTime, nullable=False))
    core.storage.table(
        "other_communications",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("crm_number", sa.Integer, sa.ForeignKey("qses_contacts.crm_number"),
                  nullable=False, index=True),
        sa.Column("incoming", sa.Boolean, nullable=False),
        sa.Column("communication_type_id", sa.Integer, nullable=False),
        sa.Column("communication_category_id", sa.Integer, nullable=False),
        sa.Column("sub_channel_id", sa.Integer, nullable=False),
        sa.Column("headline", sa.String(400), nullable=True),
        sa.Column("labels", sa.Text, nullable=True),
        sa.Column("content", sa.Text, nullable=True),
        sa.Column("content_type", sa.String(100), nullable=True),
        sa.Column("date_created", sa.DateTime, nullable=False))
