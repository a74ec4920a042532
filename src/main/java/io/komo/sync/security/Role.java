package io.komo.sync.security;

/** API roles, each including the rights of the ones before it (API.md § Authentication). */
public enum Role {
    /** Reads everything. */
    VIEWER,
    /** Runs, pauses, resolves conflicts, replays dead letters. */
    OPERATOR,
    /** Creates and changes integrations, credentials and subscriptions. */
    ADMIN;

    public boolean includes(Role required) {
        return ordinal() >= required.ordinal();
    }
}
