package io.komo.sync.inbound;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One claim's worth of an integration's inbound changes on their way through the conflict aggregator: the events
 * claimed, in their order, and the groups (one contact's changes folded into one) the aggregator completed. It rides
 * on the claim's exchange as the property {@link io.komo.sync.camel.CamelNames#INBOUND_BATCH}, which the split hands on
 * to each change and so to the group the aggregator completes, so the groups of one claim meet again to be applied
 * together.
 */
public final class InboundBatch {

    private final Map<UUID, Integer> eventOrder = new HashMap<>();
    private final List<PendingChange> groups = new ArrayList<>();
    private final boolean full;

    /**
     * @param events the claimed events, oldest first
     * @param full   whether the claim took as many as it could, i.e. more may be waiting
     */
    InboundBatch(List<UUID> events, boolean full) {
        events.forEach(id -> eventOrder.putIfAbsent(id, eventOrder.size()));
        this.full = full;
    }

    /** A group the aggregator completed. */
    void add(PendingChange group) {
        groups.add(group);
    }

    /**
     * The completed groups in the order their first changes were claimed. The aggregator completes the groups left at
     * the end of a claim in no particular order; two groups of one contact (one that reached the aggregator's size cap,
     * and the rest) must still be applied in the order their changes arrived.
     */
    List<PendingChange> groupsInOrder() {
        List<PendingChange> ordered = new ArrayList<>(groups);
        ordered.sort(Comparator.comparingInt(group -> eventOrder.getOrDefault(group.eventIds().get(0), -1)));
        return ordered;
    }

    boolean full() {
        return full;
    }
}
