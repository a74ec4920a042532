-- The Komo side: contacts, their events and the outbox that feeds every integration.

CREATE TABLE contact (
    id                  uuid PRIMARY KEY,
    email               varchar(320) NOT NULL,          -- normalised: trimmed, lower case
    first_name          varchar(200),
    last_name           varchar(200),
    phone               varchar(32),                     -- E.164
    tier                varchar(64),
    points              bigint NOT NULL DEFAULT 0,
    lists               text[] NOT NULL DEFAULT '{}',
    subscription_status varchar(16) NOT NULL DEFAULT 'pending',
    last_activity_at    timestamptz,
    properties          jsonb NOT NULL DEFAULT '{}'::jsonb,
    field_modified_at   jsonb NOT NULL DEFAULT '{}'::jsonb, -- field name -> ISO instant of its last change
    created_at          timestamptz NOT NULL,
    updated_at          timestamptz NOT NULL,
    deleted_at          timestamptz,
    version             bigint NOT NULL DEFAULT 0,
    CONSTRAINT contact_subscription_status_chk
        CHECK (subscription_status IN ('subscribed', 'unsubscribed', 'pending', 'cleaned'))
);
-- One live contact per email; a soft-deleted contact frees its address.
CREATE UNIQUE INDEX contact_email_live_uq ON contact (email) WHERE deleted_at IS NULL;
CREATE INDEX contact_updated_at_idx ON contact (updated_at, id);
CREATE INDEX contact_tier_idx ON contact (tier) WHERE deleted_at IS NULL;
CREATE INDEX contact_lists_idx ON contact USING gin (lists);

CREATE TABLE komo_event (
    id          uuid PRIMARY KEY,
    type        varchar(64) NOT NULL,
    contact_id  uuid NOT NULL REFERENCES contact (id),
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    occurred_at timestamptz NOT NULL,
    received_at timestamptz NOT NULL
);
CREATE INDEX komo_event_contact_idx ON komo_event (contact_id, occurred_at);

-- The outbox. Rows are written in the transaction of the change they describe; seq order is commit
-- order because writers take the outbox advisory lock (see OutboxWriter), so a cursor never skips.
CREATE TABLE change_event (
    seq          bigserial PRIMARY KEY,
    id           uuid NOT NULL UNIQUE,
    type         varchar(64) NOT NULL,
    contact_id   uuid NOT NULL,
    changed_fields text[] NOT NULL DEFAULT '{}',
    payload      jsonb NOT NULL,
    occurred_at  timestamptz NOT NULL,
    published_at timestamptz
);
CREATE INDEX change_event_unpublished_idx ON change_event (seq) WHERE published_at IS NULL;
CREATE INDEX change_event_contact_idx ON change_event (contact_id, seq);

-- Who called the management API, when, and what they did.
CREATE TABLE access_audit (
    id          bigserial PRIMARY KEY,
    at          timestamptz NOT NULL,
    principal   varchar(128) NOT NULL,
    role        varchar(16),
    method      varchar(10) NOT NULL,
    path        varchar(2048) NOT NULL,
    status      int NOT NULL,
    remote      varchar(64)
);
CREATE INDEX access_audit_at_idx ON access_audit (at);
