-- A run either sends Komo's contacts to the platform (outbound) or pulls the platform's changed records into Komo
-- (inbound). A pull's watermark is the newest platform change time its committed pages read; the next incremental
-- pull reads from the last completed pull's watermark, less an overlap. It moves with the page that read it.
ALTER TABLE sync_run ADD COLUMN direction varchar(8) NOT NULL DEFAULT 'outbound';
ALTER TABLE sync_run ADD COLUMN watermark timestamptz;
-- A bidirectional integration's schedule starts one run each way per fire time.
DROP INDEX sync_run_scheduled_once_uq;
CREATE UNIQUE INDEX sync_run_scheduled_once_uq ON sync_run (integration_id, scheduled_for, direction)
    WHERE scheduled_for IS NOT NULL;

-- A pulled page is stored like an inbound webhook and applied by the same inbound route. run_id tells it apart
-- (its payload is the records as the connector read them) and names the run; records is how many it holds, applied
-- and failed count them as the inbound merge takes them, in the transaction that applies (or dead-letters) them.
ALTER TABLE webhook_delivery ADD COLUMN run_id uuid;
ALTER TABLE webhook_delivery ADD COLUMN records int NOT NULL DEFAULT 0;
ALTER TABLE webhook_delivery ADD COLUMN applied int NOT NULL DEFAULT 0;
ALTER TABLE webhook_delivery ADD COLUMN failed int NOT NULL DEFAULT 0;
CREATE INDEX webhook_delivery_run_idx ON webhook_delivery (run_id) WHERE run_id IS NOT NULL;
