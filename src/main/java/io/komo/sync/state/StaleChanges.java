package io.komo.sync.state;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import io.komo.sync.merge.FieldValues;

/**
 * Platform changes that a later write of Komo's has already overwritten on the platform.
 *
 * <p>A webhook can arrive after Komo sent a newer value of the same field: the echo of an older value Komo
 * sent, or a platform edit made before Komo's write landed. Against the base (the newer value, which both
 * sides now hold) it looks like a fresh platform change, and applying it would overwrite Komo's newer value
 * and send the old one out again. Its change time tells it apart: a field changed on the platform before
 * the start of Komo's last write of that field holds Komo's value now. Without a change time nothing can
 * be told, and the change counts as it always did.
 */
public final class StaleChanges {

    private StaleChanges() {
    }

    /**
     * The reported fields that differ from the base although Komo wrote them to the platform after their change
     * time ({@code changedAt}: per field; a field without a time is never stale). A field that equals the base is a
     * plain echo, which the merge drops anyway.
     */
    public static Set<String> staleFields(Map<String, Object> reported, Map<String, Instant> changedAt,
            Map<String, Object> base,
            Function<String, Instant> lastSentAt) {
        Set<String> stale = new TreeSet<>();
        reported.forEach((field, value) -> {
            Instant changed = changedAt.get(field);
            Instant sent = lastSentAt.apply(field);
            if (changed != null && sent != null && changed.isBefore(sent)
                    && !(base.containsKey(field) && FieldValues.same(value, base.get(field)))) {
                stale.add(field);
            }
        });
        return stale;
    }

    /** The reported fields without the stale ones. */
    public static Map<String, Object> without(Map<String, Object> reported, Set<String> stale) {
        Map<String, Object> fresh = new LinkedHashMap<>(reported);
        fresh.keySet().removeAll(stale);
        return fresh;
    }
}
