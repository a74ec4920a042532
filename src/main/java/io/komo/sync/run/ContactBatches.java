package io.komo.sync.run;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.Contact;
import io.komo.sync.contact.ContactView;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/**
 * Reads live contacts in id order, a page at a time, and turns them into the change events the
 * outbound route takes, so a backfill or a test sync runs through exactly the pipeline real-time
 * changes take.
 */
@ApplicationScoped
public class ContactBatches {

    @Inject
    ObjectMapper mapper;

    /** Contacts after {@code afterId} (null = from the start), updated in [from, to) when those are set. */
    public List<Contact> page(UUID afterId, Instant from, Instant to, int size) {
        StringBuilder query = new StringBuilder("deletedAt is null");
        Parameters params = new Parameters();
        if (afterId != null) {
            query.append(" and id > :after");
            params.and("after", afterId);
        }
        appendPeriod(query, params, from, to);
        return Contact.<Contact>find(query + " order by id", params).page(0, size).list();
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
