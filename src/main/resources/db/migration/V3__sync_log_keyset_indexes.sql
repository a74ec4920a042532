-- /api/logs pages newest first by id, usually for one integration or one contact: these indexes let
-- each page start where the previous one stopped instead of sorting the whole (high-volume) table.
CREATE INDEX sync_log_integration_id_idx ON sync_log (integration_id, id);
CREATE INDEX sync_log_contact_id_idx ON sync_log (contact_id, id) WHERE contact_id IS NOT NULL;
