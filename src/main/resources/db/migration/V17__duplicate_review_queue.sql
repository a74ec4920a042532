-- Inbound records that dedup could not match to one Komo contact automatically (several contacts hold the key's
-- value, the record's email is another contact's, or the key value is blank), parked for a person to choose.

CREATE TABLE duplicate_review (
    id               uuid PRIMARY KEY,
    integration_id   varchar(64) NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    external_id      varchar(255),
    dedup_key        varchar(16) NOT NULL,                -- email | phone | external-id
    key_value        text,                                -- normalised, or as received when unusable
    reason           varchar(32) NOT NULL,                -- several-matches | email-taken | no-key-value
    candidates       uuid[] NOT NULL DEFAULT '{}',
    fields           jsonb NOT NULL,                      -- the record, in the platform's field names
    field_changed_at jsonb NOT NULL DEFAULT '{}'::jsonb,  -- platform field -> ISO instant of its change
    status           varchar(16) NOT NULL DEFAULT 'open',
    resolution       jsonb,
    resolved_by      varchar(128),
    created_at       timestamptz NOT NULL,
    resolved_at      timestamptz,
    CONSTRAINT duplicate_review_status_chk CHECK (status IN ('open', 'resolved'))
);
CREATE INDEX duplicate_review_list_idx ON duplicate_review (integration_id, status, created_at);
-- A platform record waits once: its later changes fold into the open entry.
CREATE UNIQUE INDEX duplicate_review_open_uq ON duplicate_review (integration_id, external_id)
    WHERE status = 'open' AND external_id IS NOT NULL;

-- dedup.key phone looks live contacts up by their E.164 phone, once per unlinked inbound record.
CREATE INDEX contact_phone_live_idx ON contact (phone) WHERE deleted_at IS NULL;
