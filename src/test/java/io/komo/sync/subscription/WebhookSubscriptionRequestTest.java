package io.komo.sync.subscription;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.ProblemException;
import io.komo.sync.security.OutboundAddressGuard;

class WebhookSubscriptionRequestTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final OutboundAddressGuard guard = new OutboundAddressGuard(Optional.empty());

    private WebhookSubscriptionRequest read(String json) throws Exception {
        return WebhookSubscriptionRequest.read(MAPPER.readTree(json), guard);
    }

    private ProblemException refused(String json) {
        return catchThrowableOfType(ProblemException.class, () -> read(json));
    }

    @Test
    void readsUrlAndEventsDroppingRepeats() throws Exception {
        WebhookSubscriptionRequest request = read(
                """
                        {"url": " https://hooks.example.com/komo ", "events": ["contact.created", "sync.failed", "contact.created"]}""");
        assertThat(request.url()).isEqualTo("https://hooks.example.com/komo");
        assertThat(request.events()).containsExactly("contact.created", "sync.failed");
    }

    @Test
    void namesEveryBadField() {
        ProblemException problem = refused(
                """
                        {"url": "ftp://hooks.example.com", "events": ["contact.created", "contact.exploded", 7], "secret": "x"}""");
        assertThat(problem.problem().status()).isEqualTo(400);
        assertThat(problem.problem().errors()).extracting(FieldError::field)
                .containsExactlyInAnyOrder("secret", "url", "events[1]", "events[2]");
        assertThat(refused("{}").problem().errors()).extracting(FieldError::field).containsExactly("url", "events");
        assertThat(refused("{\"url\": 5, \"events\": []}").problem().errors()).extracting(FieldError::field)
                .containsExactly("url", "events");
        assertThat(refused("[]").problem().status()).isEqualTo(400);
    }

    @Test
    void internalAddressesAreRefusedWithoutTheAllowlist() {
        for (String url : new String[]{"http://127.0.0.1:8080/hook", "http://10.1.2.3/hook",
                "http://169.254.169.254/latest/meta-data", "http://[::1]/hook"}) {
            ProblemException problem = refused("{\"url\": \"%s\", \"events\": [\"sync.failed\"]}".formatted(url));
            assertThat(problem.problem().errors()).as(url).singleElement()
                    .satisfies(e -> assertThat(e.field()).isEqualTo("url"))
                    .satisfies(e -> assertThat(e.message()).contains("internal address"));
        }
    }
}
