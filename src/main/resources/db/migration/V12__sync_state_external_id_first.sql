-- The external-id index led with the integration. For an integration the statistics knew no rows of (any
-- integration's first backfill after another's), PostgreSQL expected one row for that leading column and
-- took this index to look up merge bases by contact, filtering every state of the integration for each
-- contact: a backfill's batches grew slower with each one (1 s a batch at 15,000 states). Leading with the
-- external id, it still serves the lookup by (integration, external id) and leaves the primary key as the
-- only index that leads with the integration.
DROP INDEX sync_state_external_idx;
CREATE INDEX sync_state_external_idx ON sync_state (external_id, integration_id);
