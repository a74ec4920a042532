package io.komo.sync.connector.spi;

/** Whether an inbound webhook is genuine; {@code reason} says why not (never echoes a secret). */
public record WebhookVerdict(boolean valid, String reason) {

    public static WebhookVerdict accepted() {
        return new WebhookVerdict(true, null);
    }

    public static WebhookVerdict rejected(String reason) {
        return new WebhookVerdict(false, reason);
    }
}
