package io.komo.sync.merge;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Maps that may hold null values (Map.of cannot), and a few instants. */
final class Fixtures {

    static final Instant EARLY = Instant.parse("2026-03-01T10:00:00Z");
    static final Instant LATE = Instant.parse("2026-03-01T11:00:00Z");

    private Fixtures() {
    }

    static Map<String, Object> values(Object... keysAndValues) {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    static SideSnapshot at(Instant time, Object... keysAndValues) {
        return SideSnapshot.at(time, values(keysAndValues));
    }
}
