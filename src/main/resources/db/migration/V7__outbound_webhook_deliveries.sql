-- Outbound event subscriptions (API.md § Webhooks). A delivery is written 'pending' in the transaction
-- that raised its event and sent by the route webhook-subscriptions.dispatch; next_attempt_at is when it
-- is due (after a backoff, or after the lease of a sender that claimed it and may have died).
ALTER TABLE webhook_delivery ADD COLUMN next_attempt_at timestamptz;
CREATE INDEX webhook_delivery_due_idx ON webhook_delivery (next_attempt_at)
    WHERE direction = 'outbound' AND status = 'pending';
CREATE INDEX webhook_delivery_subscription_idx ON webhook_delivery (subscription_id, received_at DESC, id DESC)
    WHERE direction = 'outbound';

-- The signing secret is stored sealed by the credential key (key id + AES-GCM), longer than the plain secret.
ALTER TABLE webhook_subscription ALTER COLUMN secret TYPE text;
