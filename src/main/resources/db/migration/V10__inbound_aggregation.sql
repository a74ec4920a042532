-- The aggregation repository of the inbound conflict aggregator (route <id>.inbound-aggregate): one row per
-- group of changes of one contact, written in the transaction that claims the webhooks they came from and
-- deleted in the transaction that applies the group to Komo, so a restart finds every group not yet applied.
CREATE TABLE inbound_aggregation (
    group_id        varchar(64) PRIMARY KEY,   -- the aggregated exchange's id; Camel confirms and recovers by it
    integration_id  varchar(64) NOT NULL REFERENCES integration (id) ON DELETE CASCADE,
    correlation_key text NOT NULL,
    pending_change  jsonb NOT NULL,
    arrival         bigint GENERATED ALWAYS AS IDENTITY,  -- groups complete in the order their first change came
    completed_at    timestamptz,               -- set when the group completed; the row goes when it is applied
    completed_by    varchar(16),               -- Camel's completion reason (size, force, ...), given back on recovery
    updated_at      timestamptz NOT NULL
);
-- One open group per contact: a change of a contact whose group is still open folds into it.
CREATE UNIQUE INDEX inbound_aggregation_open_key ON inbound_aggregation (integration_id, correlation_key)
    WHERE completed_at IS NULL;
CREATE INDEX inbound_aggregation_completed_idx ON inbound_aggregation (integration_id)
    WHERE completed_at IS NOT NULL;
