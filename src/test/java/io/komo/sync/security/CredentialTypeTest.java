package io.komo.sync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Arrays;
import java.util.Map;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.ProblemException;

/** The 400 answer to an unknown credential type names every type there is, so a user can find the one they need. */
class CredentialTypeTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void anUnknownTypeIsAnsweredWithEveryTypeThereIs() throws Exception {
        ProblemException refused = catchThrowableOfType(ProblemException.class,
                () -> CredentialType.parse(json.readTree("{\"type\": \"password\", \"secret\": \"x\"}")));

        assertThat(refused.problem().status()).isEqualTo(400);
        FieldError error = refused.problem().errors().get(0);
        assertThat(error.field()).isEqualTo("type");
        assertThat(error.message()).contains("webhook-secret");
        assertThat(Arrays.stream(CredentialType.values()).map(CredentialType::wireName))
                .allSatisfy(type -> assertThat(error.message()).contains(type));
    }

    @Test
    void aWebhookSecretTakesItsSecret() throws Exception {
        CredentialType.Parsed parsed = CredentialType.parse(json.readTree(
                "{\"type\": \"webhook-secret\", \"secret\": \"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw\"}"));

        assertThat(parsed.type()).isEqualTo(CredentialType.WEBHOOK_SECRET);
        assertThat(parsed.secrets()).isEqualTo(Map.of("secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));
    }
}
