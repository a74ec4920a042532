package io.komo.sync.subscription;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;

/**
 * The outbound rows of {@code webhook_delivery}: one per event and subscription, written {@code pending}
 * in the transaction that raised the event, then claimed, sent and settled by the dispatcher.
 */
@ApplicationScoped
public class WebhookDeliveryStore {

    /** A delivery to write: {@code id} is derived from the event and the subscription, so writing it twice keeps one. */
    public record Pending(UUID id, UUID subscriptionId, String eventType, String body, Instant at) {
    }

    /** A delivery claimed for one call. */
    public record Due(UUID id, UUID subscriptionId, String body, int attempts) {
    }

    /** A delivery as the API shows it; {@code messageId} is the {@code webhook-id} the subscriber gets on every attempt. */
    public record View(UUID id, String messageId, String eventType, String status, int attempts, String lastError,
            Instant createdAt, Instant nextAttemptAt, Instant finishedAt) {
    }

    private static final String VIEW_COLUMNS = "id, event_type, status, attempts, last_error, received_at AS created_at, "
            + "next_attempt_at, processed_at";

    @Inject
    DataSource dataSource;

    public void enqueue(List<Pending> deliveries) {
        if (deliveries.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO webhook_delivery (id, direction, subscription_id, event_type, payload, status, attempts, "
                                + "received_at, next_attempt_at) VALUES (?, 'outbound', ?, ?, ?, 'pending', 0, ?, ?) "
                                + "ON CONFLICT (id) DO NOTHING")) {
            for (Pending delivery : deliveries) {
                Timestamp at = Timestamp.from(delivery.at());
                insert.setObject(1, delivery.id());
                insert.setObject(2, delivery.subscriptionId());
                insert.setString(3, delivery.eventType());
                insert.setString(4, delivery.body());
                insert.setTimestamp(5, at);
                insert.setTimestamp(6, at);
                insert.addBatch();
            }
            insert.executeBatch();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not enqueue webhook deliveries", e);
        }
    }

    /**
     * The oldest due delivery of a subscription not in {@code busy}, now leased until {@code leaseUntil}: no
     * other sender takes it meanwhile, and if this one dies before settling it, it is due again when the lease ends.
     */
    public Optional<Due> claimNext(Instant now, Instant leaseUntil, Set<UUID> busy) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement claim = c.prepareStatement(
                        "UPDATE webhook_delivery SET next_attempt_at = ? WHERE id = (SELECT id FROM webhook_delivery "
                                + "WHERE direction = 'outbound' AND status = 'pending' AND next_attempt_at <= ? "
                                + "AND subscription_id <> ALL (?) "
                                + "ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
                                + "RETURNING id, subscription_id, payload, attempts")) {
            claim.setTimestamp(1, Timestamp.from(leaseUntil));
            claim.setTimestamp(2, Timestamp.from(now));
            claim.setArray(3, c.createArrayOf("uuid", busy.toArray()));
            try (ResultSet rs = claim.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Due(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class),
                                rs.getString(3), rs.getInt(4)))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not claim a webhook delivery", e);
        }
    }

    public void settle(UUID id, DeliveryDecision decision) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement update = c.prepareStatement(
                        "UPDATE webhook_delivery SET status = ?, attempts = ?, last_error = ?, next_attempt_at = ?, "
                                + "processed_at = ? WHERE id = ?")) {
            update.setString(1, decision.status());
            update.setInt(2, decision.attempts());
            update.setString(3, decision.lastError());
            update.setTimestamp(4, decision.nextAttemptAt() == null ? null : Timestamp.from(decision.nextAttemptAt()));
            update.setTimestamp(5, decision.finishedAt() == null ? null : Timestamp.from(decision.finishedAt()));
            update.setObject(6, id);
            update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not record the outcome of webhook delivery " + id, e);
        }
    }

    /** A subscription's deliveries, newest first, optionally of one status. */
    public Page<View> list(UUID subscriptionId, String status, int limit, NewestFirst after) {
        StringBuilder sql = new StringBuilder("SELECT * FROM (SELECT " + VIEW_COLUMNS
                + " FROM webhook_delivery WHERE direction = 'outbound' AND subscription_id = ?) d WHERE true");
        if (status != null) {
            sql.append(" AND status = ?");
        }
        if (after != null) {
            sql.append(" AND ").append(NewestFirst.AFTER);
        }
        sql.append(NewestFirst.ORDER);
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(sql.toString())) {
            int index = 1;
            read.setObject(index++, subscriptionId);
            if (status != null) {
                read.setString(index++, status);
            }
            if (after != null) {
                index = after.bind(read, index);
            }
            read.setInt(index, limit + 1);
            List<View> views = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    UUID id = rs.getObject(1, UUID.class);
                    views.add(new View(id, messageId(id), rs.getString(2), rs.getString(3), rs.getInt(4),
                            rs.getString(5),
                            instant(rs.getTimestamp(6)), instant(rs.getTimestamp(7)), instant(rs.getTimestamp(8))));
                }
            }
            return NewestFirst.page(views, limit, view -> new NewestFirst(view.createdAt(), view.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list the deliveries of webhook subscription " + subscriptionId,
                    e);
        }
    }

    /** The {@code webhook-id} of a delivery: the same on every attempt, so a subscriber can drop a repeat. */
    public static String messageId(UUID deliveryId) {
        return "msg_" + deliveryId.toString().replace("-", "");
    }

    private static Instant instant(Timestamp timestamp) {
        return timestamp == null ? null : timestamp.toInstant();
    }
}
