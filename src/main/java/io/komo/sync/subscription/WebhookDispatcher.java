package io.komo.sync.subscription;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.komo.sync.connector.spi.CallOutcome;
import io.komo.sync.connector.spi.PreparedCall;
import io.komo.sync.delivery.ConnectorCalls;
import io.komo.sync.errors.Classification;
import io.komo.sync.errors.ErrorClassifier;
import io.komo.sync.errors.RetryPolicy;
import io.komo.sync.security.CredentialStore;
import io.komo.sync.security.StandardWebhooks;

/**
 * Sends due deliveries, one at a time per sender route: claim (a short transaction that leases the row), call the
 * subscriber signed per Standard Webhooks, settle (another transaction). The HTTP call holds no
 * transaction; a process that dies between the call and the settling leaves the row leased, and it is
 * sent again once the lease ends, under the same {@code webhook-id}.
 */
@ApplicationScoped
@Named("webhookDispatcher")
public class WebhookDispatcher {

    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    /** How long one call of the route keeps sending before it gives the timer thread back. */
    private static final Duration SLICE = Duration.ofSeconds(5);
    private static final int LONGEST_DETAIL = 500;

    @Inject
    WebhookDeliveryStore deliveries;

    @Inject
    WebhookSubscriptionStore subscriptions;

    @Inject
    ConnectorCalls calls;

    @Inject
    WebhookSubscriptionsConfig config;

    @ConfigProperty(name = "komo.delivery.connect-timeout-ms", defaultValue = "5000")
    int connectTimeoutMs;

    @ConfigProperty(name = "komo.delivery.response-timeout-ms", defaultValue = "30000")
    int responseTimeoutMs;

    private final ErrorClassifier classifier = ErrorClassifier.generic(Clock.systemUTC());
    /** Subscriptions a sender of this replica is calling now. */
    private final Set<UUID> sending = ConcurrentHashMap.newKeySet();
    private RetryPolicy retryPolicy;
    private Duration lease;

    @PostConstruct
    void init() {
        // Jitter: after a receiver's outage its deliveries do not all come back in the same instant.
        retryPolicy = new RetryPolicy(config.maxAttempts(), config.initialDelay(), config.maxDelay(), 0.2,
                () -> ThreadLocalRandom.current().nextDouble());
        // Longer than one call can take, so a lease ends only when its sender is gone.
        lease = Duration.ofMillis(2L * (connectTimeoutMs + responseTimeoutMs)).plusSeconds(10);
    }

    /**
     * Sends due deliveries for a few seconds at most; the number sent. Called by the routes
     * webhook-subscriptions.dispatch-<n>, at the same time.
     */
    public int dispatchDue() {
        Instant until = Instant.now().plus(SLICE);
        int sent = 0;
        while (Instant.now().isBefore(until)) {
            Optional<WebhookDeliveryStore.Due> due = claimForIdleSubscription();
            if (due.isEmpty()) {
                break;
            }
            try {
                DeliveryDecision decision = attempt(due.get());
                QuarkusTransaction.requiringNew().run(() -> deliveries.settle(due.get().id(), decision));
            } finally {
                sending.remove(due.get().subscriptionId());
            }
            sent++;
        }
        return sent;
    }

    /**
     * The oldest due delivery of a subscription none of this replica's senders is calling: a slow receiver's
     * backlog then holds up one sender, while the others serve the other subscriptions. Claims are taken one
     * at a time, so two senders never pick the same subscription.
     */
    private synchronized Optional<WebhookDeliveryStore.Due> claimForIdleSubscription() {
        Instant now = Instant.now();
        Optional<WebhookDeliveryStore.Due> due = QuarkusTransaction.requiringNew()
                .call(() -> deliveries.claimNext(now, now.plus(lease), Set.copyOf(sending)));
        due.ifPresent(claimed -> sending.add(claimed.subscriptionId()));
        return due;
    }

    private DeliveryDecision attempt(WebhookDeliveryStore.Due due) {
        Optional<WebhookSubscriptionStore.Target> target;
        try {
            target = QuarkusTransaction.requiringNew().call(() -> subscriptions.target(due.subscriptionId()));
        } catch (CredentialStore.UnreadableCredentialException e) {
            LOG.warnf("Webhook delivery %s cannot be signed: %s", due.id(), e.getMessage());
            return DeliveryDecision.abandoned(due.attempts(), e.getMessage(), Instant.now());
        }
        if (target.isEmpty()) {
            return DeliveryDecision.abandoned(due.attempts(), "the subscription was deleted", Instant.now());
        }
        int attempts = due.attempts() + 1;
        Classification failure;
        String detail = null;
        try {
            CallOutcome outcome = calls.send(signedCall(target.get(), due));
            if (outcome.isSuccess()) {
                return DeliveryDecision.delivered(attempts, Instant.now());
            }
            failure = classifier.classify(outcome);
            detail = abbreviate(outcome.body());
        } catch (Exception e) {
            // Refused by the SSRF guard (permanent), timed out or refused by the network (retryable).
            failure = classifier.classify(e);
        }
        DeliveryDecision decision = DeliveryDecision.failedCall(retryPolicy, attempts, failure, detail, Instant.now());
        if (DeliveryDecision.FAILED.equals(decision.status())) {
            LOG.warnf("Webhook delivery %s to subscription %s failed after %d attempts: %s", due.id(),
                    due.subscriptionId(), attempts, decision.lastError());
        }
        return decision;
    }

    /** Signed at each attempt: the timestamp is the attempt's, the message id the delivery's. */
    private static PreparedCall signedCall(WebhookSubscriptionStore.Target target, WebhookDeliveryStore.Due due) {
        Map<String, String> headers = new LinkedHashMap<>(StandardWebhooks.fromSecret(target.secret())
                .signedHeaders(WebhookDeliveryStore.messageId(due.id()), Instant.now().getEpochSecond(), due.body()));
        headers.put("Content-Type", "application/json");
        return new PreparedCall("POST", target.url(), headers, due.body());
    }

    private static String abbreviate(String text) {
        if (text == null) {
            return null;
        }
        return text.length() > LONGEST_DETAIL ? text.substring(0, LONGEST_DETAIL) + "…" : text;
    }
}
