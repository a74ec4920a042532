-- Every sync log row was written into six indexes; a backfill writes one row per contact, so each index
-- costs on every batch. These two are covered by others:
--   (integration_id, at): an integration's page is read through V3's (integration_id, id), newest first;
--     with a time range PostgreSQL takes sync_log_at_idx, as it already did while this index existed.
--   (contact_id, at): a contact's page is read through V3's (contact_id, id); a time range is then a filter
--     on that contact's few rows.
-- Retention (at < cutoff, oldest first) keeps sync_log_at_idx and the primary key.
DROP INDEX sync_log_integration_at_idx;
DROP INDEX sync_log_contact_idx;
