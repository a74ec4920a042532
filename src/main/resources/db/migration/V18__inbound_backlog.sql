-- Backpressure on POST /webhooks/{id} (README, Inbound webhooks; inbound/InboundBacklog).

-- The platform's id of a pushed message (Standard Webhooks' webhook-id header), unique per integration: a
-- redelivery of a message already stored is acknowledged again, with the stored id, instead of being stored twice,
-- and it is never refused for a full backlog. Rows stored before this migration have none and match nothing.
ALTER TABLE webhook_delivery ADD COLUMN message_id text;
CREATE UNIQUE INDEX webhook_delivery_inbound_message_uq ON webhook_delivery (integration_id, message_id)
    WHERE direction = 'inbound' AND message_id IS NOT NULL;

-- What waits to be applied, per integration, oldest first. The backlog refresh counts it several times a second
-- and the claim reads it in this order; only rows still 'received' are in it, so it is as small as the backlog
-- (the older index on (direction, status, received_at) made both read every integration's waiting rows).
CREATE INDEX webhook_delivery_inbound_waiting_idx ON webhook_delivery (integration_id, received_at, id)
    WHERE direction = 'inbound' AND status = 'received';

-- Webhooks refused with 429 because the integration's backlog was full, per integration and UTC day, counted beside
-- the platform calls and throttles of the same day (the status's inbound.refusedToday).
ALTER TABLE api_usage ADD COLUMN inbound_refused bigint NOT NULL DEFAULT 0;
