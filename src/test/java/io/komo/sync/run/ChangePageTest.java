package io.komo.sync.run;

import static io.komo.sync.testing.Api.createContact;
import static io.komo.sync.testing.Api.uniqueEmail;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import io.komo.sync.contact.ChangeEvent;
import io.komo.sync.contact.ContactView;

/** A backfill's page carries each contact exactly as the API shows it, as the change feed would. */
@QuarkusTest
class ChangePageTest {

    @Inject
    ContactBatches contacts;

    @Inject
    ObjectMapper mapper;

    @Test
    void aPagesContactIsTheContactTheApiShows() throws Exception {
        String id = createContact("""
                {"email": "%s", "firstName": "Zoë \\"Z\\"", "lastName": null, "phone": "+14155552671", "tier": "GOLD",
                 "points": 1234567890123, "lists": ["vip", "news, letter"], "subscriptionStatus": "subscribed",
                 "properties": {"shoeSize": 41, "nested": {"a": [1, "two"]}, "note": "line\\nbreak"}}
                """.formatted(uniqueEmail("page")));
        String shown = viewer().get("/api/contacts/" + id).then().statusCode(200).extract().asString();
        ContactView expected = mapper.readValue(shown, ContactView.class);

        Instant updated = expected.updatedAt();
        ChangeEvent event = contacts.changePage(null, updated, updated.plusNanos(1000), 1000).events().stream()
                .filter(e -> e.contactId().equals(UUID.fromString(id))).findFirst().orElseThrow();

        assertThat(event.type()).isEqualTo(ChangeEvent.CONTACT_UPDATED);
        assertThat(mapper.readValue(event.payload(), ContactView.class)).isEqualTo(expected);
        assertThat(mapper.readTree(event.payload())).isEqualTo(mapper.readTree(shown));
    }
}
