package io.komo.sync.subscription;

import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.komo.sync.api.NewestFirst;
import io.komo.sync.api.Page;
import io.komo.sync.security.CredentialStore;
import io.komo.sync.security.StandardWebhooks;

/**
 * {@code webhook_subscription}: where events go and the secret they are signed with. The secret is
 * generated here, shown once in the answer to the create call and stored sealed by the credential key.
 */
@ApplicationScoped
public class WebhookSubscriptionStore {

    /** A subscription as the API shows it; {@code secret} is the full secret only in the answer to its creation. */
    public record View(UUID id, String url, List<String> events, String secret, Instant createdAt) {
    }

    /** Who wants which events, from when: for matching events to subscriptions. */
    public record Subscriber(UUID id, Set<String> events, Instant createdAt) {
    }

    /** Where to send a delivery and how to sign it; never log the secret. */
    public record Target(String url, String secret) {
    }

    @Inject
    DataSource dataSource;

    @Inject
    CredentialStore credentials;

    public View create(String url, List<String> events) {
        UUID id = UUID.randomUUID();
        String secret = StandardWebhooks.newSecret();
        // Microseconds: what PostgreSQL keeps, so the answer shows the stored time.
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        try (Connection c = dataSource.getConnection();
                PreparedStatement insert = c.prepareStatement(
                        "INSERT INTO webhook_subscription (id, url, events, secret, active, created_at) VALUES (?,?,?,?,true,?)")) {
            insert.setObject(1, id);
            insert.setString(2, url);
            insert.setArray(3, c.createArrayOf("text", events.toArray()));
            insert.setString(4, credentials.seal(owner(id), secret));
            insert.setTimestamp(5, Timestamp.from(now));
            insert.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not store the webhook subscription", e);
        }
        return new View(id, url, events, secret, now);
    }

    public Page<View> list(int limit, NewestFirst after) {
        String sql = "SELECT id, url, events, created_at FROM webhook_subscription"
                + (after == null ? "" : " WHERE " + NewestFirst.AFTER) + NewestFirst.ORDER;
        try (Connection c = dataSource.getConnection(); PreparedStatement read = c.prepareStatement(sql)) {
            int index = after == null ? 1 : after.bind(read, 1);
            read.setInt(index, limit + 1);
            return NewestFirst.page(views(read), limit, view -> new NewestFirst(view.createdAt(), view.id()));
        } catch (SQLException e) {
            throw new IllegalStateException("Could not list webhook subscriptions", e);
        }
    }

    public Optional<View> find(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT id, url, events, created_at FROM webhook_subscription WHERE id = ?")) {
            read.setObject(1, id);
            return views(read).stream().findFirst();
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read webhook subscription " + id, e);
        }
    }

    /** Deletes the subscription and the deliveries not yet made to it; false when there was none. */
    public boolean delete(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement deliveries = c.prepareStatement(
                        "DELETE FROM webhook_delivery WHERE direction = 'outbound' AND subscription_id = ?");
                PreparedStatement subscription = c.prepareStatement("DELETE FROM webhook_subscription WHERE id = ?")) {
            deliveries.setObject(1, id);
            deliveries.executeUpdate();
            subscription.setObject(1, id);
            return subscription.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not delete webhook subscription " + id, e);
        }
    }

    /** The active subscriptions that want at least one of {@code types}. */
    public List<Subscriber> subscribersOf(Collection<String> types) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT id, events, created_at FROM webhook_subscription WHERE active AND events && ?")) {
            read.setArray(1, c.createArrayOf("text", types.toArray()));
            List<Subscriber> subscribers = new ArrayList<>();
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    subscribers.add(new Subscriber(rs.getObject(1, UUID.class), Set.copyOf(texts(rs.getArray(2))),
                            rs.getTimestamp(3).toInstant()));
                }
            }
            return subscribers;
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read the webhook subscribers", e);
        }
    }

    /** @throws CredentialStore.UnreadableCredentialException when the secret was sealed under another key */
    public Optional<Target> target(UUID id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT url, secret FROM webhook_subscription WHERE id = ?")) {
            read.setObject(1, id);
            try (ResultSet rs = read.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Target(rs.getString(1), credentials.open(owner(id), rs.getString(2))))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Could not read webhook subscription " + id, e);
        }
    }

    /** The associated data the secret is sealed with: a sealed secret copied to another row does not open. */
    private static String owner(UUID id) {
        return "webhook-subscription:" + id;
    }

    private static List<View> views(PreparedStatement read) throws SQLException {
        List<View> views = new ArrayList<>();
        try (ResultSet rs = read.executeQuery()) {
            while (rs.next()) {
                // Read access never sees the secret; the mask shows its shape only.
                views.add(new View(rs.getObject(1, UUID.class), rs.getString(2), texts(rs.getArray(3)), "whsec_****",
                        rs.getTimestamp(4).toInstant()));
            }
        }
        return views;
    }

    private static List<String> texts(Array array) throws SQLException {
        return Arrays.asList((String[]) array.getArray());
    }
}
