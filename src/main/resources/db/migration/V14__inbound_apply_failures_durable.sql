-- Failed attempts to apply an inbound group, counted outside the transaction that failed (it rolls back), so a
-- restart does not give a poison group a fresh set of attempts. A row lives until the group is applied or
-- dead-lettered.
CREATE TABLE inbound_apply_failure (
    group_id       text PRIMARY KEY,
    integration_id text NOT NULL,
    attempts       integer NOT NULL,
    last_error     text NOT NULL,
    updated_at     timestamptz NOT NULL
);
