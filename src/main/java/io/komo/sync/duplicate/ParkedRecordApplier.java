package io.komo.sync.duplicate;

import java.time.Instant;
import java.util.Map;

import io.komo.sync.connector.spi.InboundRecord;
import io.komo.sync.dedup.DedupMatch;

/**
 * Applies a parked record once a person chose where it goes. The inbound stage implements it: the queue sits below
 * the inbound package that parks records in it, so it reaches the inbound merge through this interface.
 */
public interface ParkedRecordApplier {

    /**
     * Applies {@code record} to {@code choice}'s contact (a new contact when it has none), with the inbound merge
     * rules, in the caller's transaction.
     */
    void applyChosen(String integrationId, InboundRecord record, Map<String, Instant> fieldChangedAt,
            DedupMatch choice);
}
