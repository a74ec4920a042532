-- The inbound aggregator's groups now live only within the transaction of the claim that made them (in memory, see
-- inbound/InboundAggregations): an event stays 'received' until the batch that applies its changes commits. Groups
-- the previous version left behind (claimed, not yet applied when it stopped) are handed back: their events are
-- claimed again and folded anew, in the order they came.
UPDATE webhook_delivery SET status = 'received', processed_at = NULL
WHERE id IN (SELECT (jsonb_array_elements_text(pending_change -> 'eventIds'))::uuid FROM inbound_aggregation);
DROP TABLE inbound_aggregation;

