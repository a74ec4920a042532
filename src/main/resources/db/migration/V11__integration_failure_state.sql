-- Whether an integration is in a failing spell ("sync failed" raised, no success since). Kept in the database,
-- not in each replica's memory: the event is raised once per spell across replicas and restarts, and a
-- transition commits (or rolls back) with the batch outcome and the event that report it.
CREATE TABLE integration_failure (
    integration_id varchar(64) PRIMARY KEY REFERENCES integration (id) ON DELETE CASCADE,
    failing        boolean NOT NULL,
    changed_at     timestamptz NOT NULL
);
