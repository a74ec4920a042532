-- The last test sync of an integration (its counts and whether it passed), so that activate can require a passed
-- live test of the current definition and GET /api/integrations/{id} can show it. Cleared by a definition change.
ALTER TABLE integration ADD COLUMN last_test jsonb;
