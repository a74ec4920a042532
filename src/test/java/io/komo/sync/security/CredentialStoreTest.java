package io.komo.sync.security;

import static io.komo.sync.testing.Api.admin;
import static io.komo.sync.testing.Api.operator;
import static io.komo.sync.testing.Api.viewer;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;

import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

@QuarkusTest
class CredentialStoreTest {

    private static final String TOKEN = "tok_live_0123456789abcdefWXYZ";

    @Inject
    CredentialStore store;

    @Inject
    DataSource dataSource;

    @Test
    void roundTripsAndReplacesKeepingTheCreationTime() {
        String id = newId();
        CredentialStore.Stored first = store.put(id, "bearer", Map.of("token", TOKEN));
        assertThat(first.created()).isTrue();
        assertThat(store.secrets(id)).contains(Map.of("token", TOKEN));
        CredentialStore.Stored second = store.put(id, "basic", Map.of("username", "ann", "password", "pw"));
        assertThat(second.created()).isFalse();
        assertThat(second.createdAt()).isEqualTo(first.createdAt());
        assertThat(store.secrets(id)).contains(Map.of("username", "ann", "password", "pw"));
        assertThat(store.delete(id)).isTrue();
        assertThat(store.secrets(id)).isEmpty();
        assertThat(store.delete(id)).isFalse();
    }

    @Test
    void theDatabaseHoldsOnlyCiphertext() throws Exception {
        String id = newId();
        store.put(id, "bearer", Map.of("token", TOKEN));
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT ciphertext, key_id FROM credential WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                assertThat(rs.next()).isTrue();
                byte[] ciphertext = rs.getBytes(1);
                assertThat(new String(ciphertext, StandardCharsets.ISO_8859_1)).doesNotContain(TOKEN)
                        .doesNotContain("token");
                assertThat(ciphertext.length).as("12-byte nonce + JSON + 16-byte tag")
                        .isEqualTo(12 + "{\"token\":\"\"}".length() + TOKEN.length() + 16);
                assertThat(rs.getString(2)).matches("[0-9a-f]{8}");
            }
        }
    }

    @Test
    void anotherKeyIsDetectedAndNamed() {
        String id = newId();
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        new CredentialStore(dataSource, CredentialKey.of(otherKey)).put(id, "bearer", Map.of("token", TOKEN));
        assertThatThrownBy(() -> store.secrets(id)).isInstanceOf(CredentialStore.UnreadableCredentialException.class)
                .hasMessageContaining("KOMO_CREDENTIALS_KEY").hasMessageNotContaining(TOKEN);
        viewer().get("/api/credentials/" + id).then().statusCode(500)
                .body("detail", org.hamcrest.Matchers.containsString("was encrypted with key"));
    }

    @Test
    void putAnswersMaskedAndGetReadsMasked() {
        String id = newId();
        admin().body("{\"type\":\"bearer\",\"token\":\"" + TOKEN + "\"}").put("/api/credentials/" + id)
                .then().statusCode(201).body("token", equalTo("****WXYZ")).body("type", equalTo("bearer"))
                .body("createdAt", notNullValue());
        admin().body("{\"type\":\"bearer\",\"token\":\"" + TOKEN + "\"}").put("/api/credentials/" + id)
                .then().statusCode(200);
        String answer = viewer().get("/api/credentials/" + id).then().statusCode(200)
                .body("id", equalTo(id)).body("token", equalTo("****WXYZ")).body("updatedAt", notNullValue())
                .extract().asString();
        assertThat(answer).doesNotContain(TOKEN);

        admin().body("{\"type\":\"api-key\",\"key\":\"short\",\"header\":\"X-Token\"}").put("/api/credentials/" + id)
                .then().statusCode(200).body("key", equalTo("****")).body("header", equalTo("X-Token"));
        admin().body(
                "{\"type\":\"headers\",\"headers\":{\"X-Api-Secret\":\"abcdefghijklmnop1234\",\"X-Tenant\":\"t1\"}}")
                .put("/api/credentials/" + id).then().statusCode(200)
                .body("headers.X-Api-Secret", equalTo("****1234")).body("headers.X-Tenant", equalTo("****"));
        assertThat(store.secrets(id)).contains(Map.of("X-Api-Secret", "abcdefghijklmnop1234", "X-Tenant", "t1"));
        admin().body("{\"type\":\"oauth2\",\"clientId\":\"client-id-0000000001\",\"clientSecret\":\"cs\","
                + "\"tokenUrl\":\"https://login.example.com/token\"}").put("/api/credentials/" + id)
                .then().statusCode(200).body("clientId", equalTo("****0001")).body("clientSecret", equalTo("****"))
                .body("tokenUrl", equalTo("https://login.example.com/token"));
    }

    @Test
    void validationNamesEveryMissingOrWrongField() {
        String path = "/api/credentials/" + newId();
        admin().body("{\"type\":\"basic\",\"username\":\"ann\"}").put(path).then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItems("password"));
        admin().body("{\"type\":\"oauth2\",\"clientSecret\":5,\"extra\":\"x\"}").put(path).then().statusCode(400)
                .body("errors.field", hasItems("clientId", "clientSecret", "extra"));
        admin().body("{\"type\":\"bearer\",\"token\":\"\"}").put(path).then().statusCode(400)
                .body("errors.field", hasItems("token"));
        admin().body("{\"type\":\"headers\",\"headers\":{\"X-A\":1}}").put(path).then().statusCode(400)
                .body("errors.field", hasItems("headers.X-A"));
        admin().body("{\"type\":\"headers\"}").put(path).then().statusCode(400).body("errors.field",
                hasItems("headers"));
        admin().body("{\"type\":\"kerberos\"}").put(path).then().statusCode(400).body("errors.field", hasItems("type"));
        admin().body("{\"type\":\"bearer\",\"token\":\"t\"}").put("/api/credentials/bad%20id").then().statusCode(400)
                .body("errors.field", hasItems("id"));
    }

    @Test
    void rolesAdminWritesViewerReads() {
        String id = newId();
        String body = "{\"type\":\"bearer\",\"token\":\"" + TOKEN + "\"}";
        operator().body(body).put("/api/credentials/" + id).then().statusCode(403);
        viewer().body(body).put("/api/credentials/" + id).then().statusCode(403);
        admin().body(body).put("/api/credentials/" + id).then().statusCode(201);
        viewer().get("/api/credentials/" + id).then().statusCode(200);
        viewer().delete("/api/credentials/" + id).then().statusCode(403);
        operator().delete("/api/credentials/" + id).then().statusCode(403);
        admin().delete("/api/credentials/" + id).then().statusCode(204);
        viewer().get("/api/credentials/" + id).then().statusCode(404);
        admin().delete("/api/credentials/" + id).then().statusCode(404);
    }

    @Test
    void aSealedSecretOpensOnlyForItsOwnerUnderTheSameKey() {
        String sealed = store.seal("owner-a", TOKEN);
        assertThat(sealed).doesNotContain(TOKEN).doesNotContain("0123456789abcdef");
        assertThat(store.open("owner-a", sealed)).isEqualTo(TOKEN);
        assertThatThrownBy(() -> store.open("owner-b", sealed))
                .isInstanceOf(CredentialStore.UnreadableCredentialException.class).hasMessageContaining("altered");
        byte[] otherKey = new byte[32];
        new SecureRandom().nextBytes(otherKey);
        String sealedElsewhere = new CredentialStore(dataSource, CredentialKey.of(otherKey)).seal("owner-a", TOKEN);
        assertThatThrownBy(() -> store.open("owner-a", sealedElsewhere))
                .isInstanceOf(CredentialStore.UnreadableCredentialException.class)
                .hasMessageContaining("configured key");
    }

    private static String newId() {
        return "cred-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
