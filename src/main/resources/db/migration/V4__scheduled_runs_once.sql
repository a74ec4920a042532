-- Every replica's scheduler fires an integration's schedule; the run is started once: the replica whose
-- insert commits first takes it, the others hit this index and skip.
ALTER TABLE sync_run ADD COLUMN scheduled_for timestamptz;
CREATE UNIQUE INDEX sync_run_scheduled_once_uq ON sync_run (integration_id, scheduled_for) WHERE scheduled_for IS NOT NULL;
