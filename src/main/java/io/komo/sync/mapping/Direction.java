package io.komo.sync.mapping;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Which way a field mapping carries values. */
public enum Direction {
    /** Komo to the platform and back. */
    @JsonProperty("both")
    BOTH,
    /** Komo to the platform only. */
    @JsonProperty("outbound")
    OUTBOUND,
    /** The platform to Komo only. */
    @JsonProperty("inbound")
    INBOUND;

    boolean isOutbound() {
        return this != INBOUND;
    }

    boolean isInbound() {
        return this != OUTBOUND;
    }
}
