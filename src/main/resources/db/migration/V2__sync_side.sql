-- The sync side: integrations and everything the engine records about them.

CREATE TABLE integration (
    id          varchar(64) PRIMARY KEY,
    platform    varchar(32) NOT NULL,
    name        varchar(200),
    status      varchar(16) NOT NULL DEFAULT 'draft',
    definition  jsonb NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    version     bigint NOT NULL DEFAULT 0,
    CONSTRAINT integration_status_chk CHECK (status IN ('draft', 'testing', 'active', 'paused'))
);

CREATE TABLE credential (
    id          varchar(64) PRIMARY KEY,
    type        varchar(16) NOT NULL,
    ciphertext  bytea NOT NULL,       -- AES-GCM; nonce prefixed; key from the environment
    key_id      varchar(32) NOT NULL,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL
);

-- Per integration x contact: the external id and the base of the 3-way merge.
CREATE TABLE sync_state (
    integration_id varchar(64) NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    contact_id     uuid NOT NULL,
    external_id    varchar(255),
    base_values    jsonb NOT NULL DEFAULT '{}'::jsonb,
    last_synced_at timestamptz,
    PRIMARY KEY (integration_id, contact_id)
);
CREATE INDEX sync_state_external_idx ON sync_state (integration_id, external_id);

-- Where each consumer of a feed has got to: outbox seq, Kafka offset or inbound watermark.
CREATE TABLE sync_cursor (
    consumer    varchar(128) PRIMARY KEY,
    position    varchar(255) NOT NULL,
    updated_at  timestamptz NOT NULL
);

CREATE TABLE sync_run (
    id             uuid PRIMARY KEY,
    integration_id varchar(64) NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    type           varchar(16) NOT NULL,
    status         varchar(16) NOT NULL,
    params         jsonb NOT NULL DEFAULT '{}'::jsonb,
    checkpoint     varchar(255),
    processed      bigint NOT NULL DEFAULT 0,
    succeeded      bigint NOT NULL DEFAULT 0,
    failed         bigint NOT NULL DEFAULT 0,
    total          bigint,
    started_at     timestamptz NOT NULL,
    finished_at    timestamptz,
    error          text
);
CREATE INDEX sync_run_integration_idx ON sync_run (integration_id, started_at DESC);

CREATE TABLE sync_log (
    id             bigserial PRIMARY KEY,
    at             timestamptz NOT NULL,
    integration_id varchar(64),
    type           varchar(16) NOT NULL,   -- success | error | conflict | audit
    operation      varchar(64) NOT NULL,
    contact_id     uuid,
    external_id    varchar(255),
    field          varchar(200),
    old_value      text,
    new_value      text,
    error          text,
    actor          varchar(128),
    CONSTRAINT sync_log_type_chk CHECK (type IN ('success', 'error', 'conflict', 'audit'))
);
CREATE INDEX sync_log_integration_at_idx ON sync_log (integration_id, at);
CREATE INDEX sync_log_contact_idx ON sync_log (contact_id, at);
CREATE INDEX sync_log_at_idx ON sync_log (at);

CREATE TABLE conflict (
    id             uuid PRIMARY KEY,
    integration_id varchar(64) NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    contact_id     uuid NOT NULL,
    field          varchar(200) NOT NULL,
    base_value     jsonb,
    komo_value     jsonb,
    komo_changed_at timestamptz,
    external_value jsonb,
    external_changed_at timestamptz,
    status         varchar(16) NOT NULL DEFAULT 'open',
    resolution     jsonb,
    resolved_by    varchar(128),
    created_at     timestamptz NOT NULL,
    resolved_at    timestamptz
);
CREATE INDEX conflict_open_idx ON conflict (integration_id, status, created_at);

CREATE TABLE dead_letter (
    id             uuid PRIMARY KEY,
    integration_id varchar(64),
    stage          varchar(64) NOT NULL,
    route_id       varchar(128),
    contact_id     uuid,
    payload        jsonb,
    exception_type varchar(255),
    error          text,
    attempts       int NOT NULL DEFAULT 0,
    status         varchar(16) NOT NULL DEFAULT 'open',  -- open | replayed | discarded
    created_at     timestamptz NOT NULL,
    updated_at     timestamptz NOT NULL
);
CREATE INDEX dead_letter_open_idx ON dead_letter (integration_id, status, created_at);

CREATE TABLE webhook_subscription (
    id          uuid PRIMARY KEY,
    url         varchar(2048) NOT NULL,
    events      text[] NOT NULL,
    secret      varchar(128) NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL
);

-- Inbound webhook bodies are stored before they are acknowledged; outbound deliveries keep their attempts.
CREATE TABLE webhook_delivery (
    id             uuid PRIMARY KEY,
    direction      varchar(8) NOT NULL,    -- inbound | outbound
    integration_id varchar(64),
    subscription_id uuid,
    event_type     varchar(64),
    payload        text NOT NULL,
    headers        jsonb NOT NULL DEFAULT '{}'::jsonb,
    status         varchar(16) NOT NULL,   -- received | processed | failed | pending | delivered
    attempts       int NOT NULL DEFAULT 0,
    last_error     text,
    received_at    timestamptz NOT NULL,
    processed_at   timestamptz
);
CREATE INDEX webhook_delivery_pending_idx ON webhook_delivery (direction, status, received_at);

CREATE TABLE api_usage (
    integration_id varchar(64) NOT NULL,
    day            date NOT NULL,
    requests       bigint NOT NULL DEFAULT 0,
    throttled      bigint NOT NULL DEFAULT 0,
    PRIMARY KEY (integration_id, day)
);
