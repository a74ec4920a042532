package io.komo.sync.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactView;
import io.komo.sync.pipeline.filter.ContactFilter;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.hibernate.jpa.HibernateHints;

/**
 * Reads live contacts in id order, a page at a time, and turns them into the change events the
 * outbound route takes, so a backfill or a test sync runs through exactly the pipeline real-time
 * changes take.
 */
@ApplicationScoped
public class ContactBatches {

    @Inject
    ObjectMapper mapper;

    @Inject
    javax.sql.DataSource dataSource;

    /** Contacts after {@code afterId} (null = from the start), updated in [from, to) when those are set. */
    public List<Contact> page(UUID afterId, Instant from, Instant to, int size) {
        StringBuilder query = new StringBuilder("deletedAt is null");
        Parameters params = new Parameters();
        if (afterId != null) {
            query.append(" and id > :after");
            params.and("after", afterId);
        }
        appendPeriod(query, params, from, to);
        // Read-only: a backfill never changes these contacts, so Hibernate need not snapshot or dirty-check them.
        return Contact.<Contact>find(query + " order by id", params).withHint(HibernateHints.HINT_READ_ONLY, true)
                .page(0, size).list();
    }

    public long count(Instant from, Instant to) {
        StringBuilder query = new StringBuilder("deletedAt is null");
        Parameters params = new Parameters();
        appendPeriod(query, params, from, to);
        return Contact.count(query.toString(), params);
    }

    private static void appendPeriod(StringBuilder query, Parameters params, Instant from, Instant to) {
        if (from != null) {
            query.append(" and updatedAt >= :from");
            params.and("from", from);
        }
        if (to != null) {
            query.append(" and updatedAt < :to");
            params.and("to", to);
        }
    }

    /** Most contacts looked at to find those in scope, so a filter that matches nobody still answers in seconds. */
    static final int MAX_SCANNED = 200_000;

    /** The first {@code limit} live contacts (in id order) that {@code filter} accepts; null accepts all. */
    public List<Contact> inScope(ContactFilter filter, int limit) {
        List<Contact> chosen = new java.util.ArrayList<>();
        UUID after = null;
        for (int scanned = 0; chosen.size() < limit && scanned < MAX_SCANNED; ) {
            List<Contact> page = page(after, null, null, 1000);
            if (page.isEmpty()) {
                break;
            }
            for (Contact contact : page) {
                if (chosen.size() < limit
                        && (filter == null || filter.matches(mapper.convertValue(ContactView.of(contact), java.util.Map.class)))) {
                    chosen.add(contact);
                }
            }
            scanned += page.size();
            after = page.get(page.size() - 1).id;
        }
        return chosen;
    }

    /** A page of contacts already in the feed's shape, and the id to continue after (null when the page is empty). */
    public record ChangePage(List<ChangeEvent> events, UUID lastId) {
    }

    /**
     * Like {@link #page} followed by {@link #asChange}, but PostgreSQL writes each contact's JSON
     * (the {@link ContactView} shape) so a backfill does not hydrate entities only to serialise them.
     */
    public ChangePage changePage(UUID afterId, Instant from, Instant to, int size) {
        StringBuilder sql = new StringBuilder("SELECT id, json_build_object('id', id, 'email', email, 'firstName', first_name, "
                + "'lastName', last_name, 'phone', phone, 'tier', tier, 'points', points, 'lists', lists, "
                + "'subscriptionStatus', subscription_status, 'lastActivityAt', " + iso("last_activity_at") + ", "
                + "'properties', properties, 'fieldModifiedAt', field_modified_at, 'createdAt', " + iso("created_at")
                + ", 'updatedAt', " + iso("updated_at") + ")::text FROM contact WHERE deleted_at IS NULL");
        List<Object> params = new java.util.ArrayList<>();
        if (afterId != null) {
            sql.append(" AND id > ?");
            params.add(afterId);
        }
        if (from != null) {
            sql.append(" AND updated_at >= ?");
            params.add(java.sql.Timestamp.from(from));
        }
        if (to != null) {
            sql.append(" AND updated_at < ?");
            params.add(java.sql.Timestamp.from(to));
        }
        sql.append(" ORDER BY id LIMIT ?");
        params.add(size);
        try (java.sql.Connection c = dataSource.getConnection(); java.sql.PreparedStatement read = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < params.size(); i++) {
                read.setObject(i + 1, params.get(i));
            }
            List<ChangeEvent> events = new java.util.ArrayList<>(size);
            UUID last = null;
            Instant now = Instant.now();
            try (java.sql.ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    last = rs.getObject(1, UUID.class);
                    events.add(new ChangeEvent(0, UUID.randomUUID(), ChangeEvent.CONTACT_UPDATED, last, List.of(),
                            rs.getString(2), now));
                }
            }
            return new ChangePage(events, last);
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("Could not read a page of contacts", e);
        }
    }

    private static String iso(String column) {
        return "to_char(" + column + " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')";
    }

    /** The contact as a {@code contact.updated} event with its current state, as the feed would deliver it. */
    public ChangeEvent asChange(Contact contact) {
        try {
            return new ChangeEvent(0, UUID.randomUUID(), ChangeEvent.CONTACT_UPDATED, contact.id, List.of(),
                    mapper.writeValueAsString(ContactView.of(contact)), Instant.now());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A contact could not be written as JSON", e);
        }
    }
}
