-- Backfills and test syncs page through live contacts in id order (WHERE deleted_at IS NULL AND id > ?
-- ORDER BY id LIMIT n). Right after a large import, before the table is analysed, PostgreSQL planned
-- that page as a scan and sort of the whole table; a partial index in exactly that order keeps each
-- page an index range read.
CREATE INDEX contact_live_id_idx ON contact (id) WHERE deleted_at IS NULL;
