package io.komo.sync.contact;

import java.util.Arrays;
import java.util.Optional;

public enum SubscriptionStatus {
    SUBSCRIBED, UNSUBSCRIBED, PENDING, CLEANED;

    public String value() {
        return name().toLowerCase();
    }

    public static Optional<SubscriptionStatus> parse(String value) {
        return Arrays.stream(values()).filter(s -> s.value().equals(value)).findFirst();
    }
}
