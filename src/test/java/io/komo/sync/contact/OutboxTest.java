package io.komo.sync.contact;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.uniqueEmail;
import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** The change events a write appends: in order, with the fields it changed, whatever their names. */
@QuarkusTest
class OutboxTest {

    @Inject
    DataSource dataSource;

    @Test
    void aBulkImportAppendsOneEventPerContactInOrderWithItsChangedFields() throws Exception {
        String odd = "we\\\"ird, {name}\\\\";
        String first = uniqueEmail("outbox-a");
        String second = uniqueEmail("outbox-b");
        operator().body("""
                {"contacts": [{"email": "%s", "properties": {"%s": 1, "plain": 2}}, {"email": "%s", "tier": "GOLD"}]}
                """.formatted(first, odd, second)).post("/api/contacts/bulk").then().statusCode(200);

        List<Event> events = eventsOf(first, second);
        assertThat(events).extracting(Event::email).containsExactly(first, second);
        assertThat(events.get(0).fields()).contains("email", "properties.we\"ird, {name}\\", "properties.plain");
        assertThat(events.get(1).fields()).contains("email", "tier").doesNotContain("properties.plain");
        assertThat(events).extracting(Event::type).containsOnly(ChangeEvent.CONTACT_CREATED);
    }

    @Test
    void aWriteThatChangesOneFieldNamesOnlyThatField() throws Exception {
        String email = uniqueEmail("outbox-c");
        String id = createContact("{\"email\": \"%s\", \"firstName\": \"Ann\"}".formatted(email));
        operator().body("{\"lastName\": \"Lee\"}").patch("/api/contacts/" + id).then().statusCode(200);

        List<Event> events = eventsOf(email);
        assertThat(events).extracting(Event::type).containsExactly(ChangeEvent.CONTACT_CREATED,
                ChangeEvent.CONTACT_UPDATED);
        assertThat(events.get(1).fields()).containsExactly("lastName");
    }

    private record Event(String email, String type, List<String> fields) {
    }

    private List<Event> eventsOf(String... emails) throws Exception {
        List<Event> events = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
                PreparedStatement read = c.prepareStatement(
                        "SELECT e.payload ->> 'email', e.type, e.changed_fields FROM change_event e "
                                + "WHERE e.payload ->> 'email' = ANY (?) ORDER BY e.seq")) {
            read.setArray(1, c.createArrayOf("text", emails));
            try (ResultSet rs = read.executeQuery()) {
                while (rs.next()) {
                    events.add(new Event(rs.getString(1), rs.getString(2),
                            Arrays.asList((String[]) rs.getArray(3).getArray())));
                }
            }
        }
        return events;
    }

}
