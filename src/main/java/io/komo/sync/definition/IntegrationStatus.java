package io.komo.sync.definition;

import com.fasterxml.jackson.annotation.JsonValue;

/** The lifecycle: draft → testing → active ⇄ paused. Only an active integration moves data on its own. */
public enum IntegrationStatus {
    DRAFT, TESTING, ACTIVE, PAUSED;

    @JsonValue
    public String wireName() {
        return WireEnum.wireName(this);
    }

    public static IntegrationStatus of(String name) {
        return WireEnum.parse(IntegrationStatus.class, name);
    }
}
