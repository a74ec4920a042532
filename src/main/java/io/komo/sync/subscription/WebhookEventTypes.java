package io.komo.sync.subscription;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.KomoEventType;

/** The events a webhook subscription may ask for (API.md § Webhooks). */
public final class WebhookEventTypes {

    /** A historical sync (backfill) finished; the data is the run with its counts. */
    public static final String SYNC_COMPLETED = "sync.completed";
    /** An integration started failing: raised once per failing spell, not once per failed record. */
    public static final String SYNC_FAILED = "sync.failed";

    /** Every type, in the order API.md lists them: the contact events, the Komo events, then the sync events. */
    public static final List<String> ALL = all();

    private WebhookEventTypes() {
    }

    private static List<String> all() {
        List<String> types = new ArrayList<>(
                List.of(ChangeEvent.CONTACT_CREATED, ChangeEvent.CONTACT_UPDATED, ChangeEvent.CONTACT_DELETED));
        Arrays.stream(KomoEventType.values()).map(KomoEventType::value).forEach(types::add);
        types.add(SYNC_COMPLETED);
        types.add(SYNC_FAILED);
        return List.copyOf(types);
    }
}
