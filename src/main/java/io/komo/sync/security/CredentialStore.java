package io.komo.sync.security;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.crypto.AEADBadTagException;
import javax.sql.DataSource;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Credentials encrypted at rest (DESIGN.md § Configuration): each credential's secret map, as JSON,
 * sealed with AES-256-GCM ({@link CredentialCipher}) into the {@code credential} table with the id of
 * the key used ({@link CredentialKey}). Secrets leave this class only decrypted for a connector's call
 * headers or masked for people.
 */
@ApplicationScoped
public class CredentialStore {

    private static final TypeReference<TreeMap<String, String>> SECRETS = new TypeReference<>() {
    };

    /** A stored credential without its secrets; {@code created} tells an insert from a replacement. */
    public record Stored(String id, String type, Instant createdAt, Instant updatedAt, boolean created) {
    }

    /** What people may see of a credential: the type, timestamps and masked secrets. */
    public record Masked(String id, String type, Map<String, String> secrets, Instant createdAt, Instant updatedAt) {
    }

    /** The credential exists but this installation cannot decrypt it: another key, or tampered data. */
    public static class UnreadableCredentialException extends IllegalStateException {
        UnreadableCredentialException(String message) {
            super(message);
        }
    }

    private final DataSource dataSource;
    private final CredentialCipher cipher;
    private final ObjectMapper json = new ObjectMapper();

    @Inject
    public CredentialStore(DataSource dataSource,
            @ConfigProperty(name = "komo.credentials.key") Optional<String> key,
            @ConfigProperty(name = "komo.credentials.key-file") String keyFile) {
        this(dataSource, CredentialKey.load(key, Path.of(keyFile)));
    }

    /** For tests that need a second store under another key. */
    CredentialStore(DataSource dataSource, CredentialKey key) {
        this.dataSource = dataSource;
        this.cipher = new CredentialCipher(key);
    }

    /** Stores or replaces credential {@code id}; the creation time of a replaced one is kept. */
    public Stored put(String id, String type, Map<String, String> secrets) {
        byte[] sealed = cipher.encrypt(id, toJson(secrets));
        try (Connection c = dataSource.getConnection();
                PreparedStatement upsert = c.prepareStatement(
                        "INSERT INTO credential (id, type, ciphertext, key_id, created_at, updated_at) VALUES (?,?,?,?,now(),now()) "
                                + "ON CONFLICT (id) DO UPDATE SET type = EXCLUDED.type, ciphertext = EXCLUDED.ciphertext, "
                                + "key_id = EXCLUDED.key_id, updated_at = now() "
                                + "RETURNING created_at, updated_at, (xmax = 0) AS inserted")) {
            upsert.setString(1, id);
            upsert.setString(2, type);
            upsert.setBytes(3, sealed);
            upsert.setString(4, cipher.keyId());
            try (ResultSet rs = upsert.executeQuery()) {
                rs.next();
                return new Stored(id, type, rs.getTimestamp(1).toInstant(), rs.getTimestamp(2).toInstant(),
                        rs.getBoolean(3));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not store credential '" + id + "'", e);
        }
    }

    /**
     * The decrypted secrets, for building a platform call; never log them.
     *
     * @throws UnreadableCredentialException when it was stored under another key or altered
     */
    public Optional<Map<String, String>> secrets(String id) {
        return read(id).map(row -> row.secrets);
    }

    public Optional<Masked> masked(String id) {
        return read(id).map(row -> new Masked(id, row.type, CredentialType.mask(row.type, row.secrets),
                row.createdAt, row.updatedAt));
    }

    /** @return false when there was no such credential */
    public boolean delete(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement delete = c.prepareStatement("DELETE FROM credential WHERE id = ?")) {
            delete.setString(1, id);
            return delete.executeUpdate() > 0;
        } catch (SQLException e) {
            throw new IllegalStateException("could not delete credential '" + id + "'", e);
        }
    }

    /**
     * Seals a single secret kept outside this table (a webhook subscription's signing secret) under the
     * credential key, bound to {@code owner}: {@code <key id>:<base64 of nonce and ciphertext>}.
     */
    public String seal(String owner, String secret) {
        return cipher.keyId() + ":" + Base64.getEncoder().encodeToString(
                cipher.encrypt(owner, secret.getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * The secret {@link #seal} sealed for {@code owner}; never log it.
     *
     * @throws UnreadableCredentialException when it was sealed under another key or altered
     */
    public String open(String owner, String sealed) {
        int colon = sealed.lastIndexOf(':');
        String keyId = colon < 0 ? "" : sealed.substring(0, colon);
        if (!cipher.keyId().equals(keyId)) {
            throw new UnreadableCredentialException("the secret of '" + owner + "' was sealed with key " + keyId
                    + " but the configured key is " + cipher.keyId());
        }
        try {
            return new String(cipher.decrypt(owner, Base64.getDecoder().decode(sealed.substring(colon + 1))),
                    StandardCharsets.UTF_8);
        } catch (AEADBadTagException | IllegalArgumentException tampered) {
            throw new UnreadableCredentialException(
                    "the secret of '" + owner + "' does not decrypt with the configured key "
                            + cipher.keyId() + ": its stored data was altered");
        }
    }

    private record Row(String type, Map<String, String> secrets, Instant createdAt, Instant updatedAt) {
    }

    private Optional<Row> read(String id) {
        try (Connection c = dataSource.getConnection();
                PreparedStatement select = c.prepareStatement(
                        "SELECT type, ciphertext, key_id, created_at, updated_at FROM credential WHERE id = ?")) {
            select.setString(1, id);
            try (ResultSet rs = select.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                String keyId = rs.getString(3);
                if (!cipher.keyId().equals(keyId)) {
                    throw new UnreadableCredentialException("credential '" + id + "' was encrypted with key " + keyId
                            + " but the configured key is " + cipher.keyId()
                            + ": set KOMO_CREDENTIALS_KEY to the key it was stored with, or store the credential again");
                }
                return Optional.of(new Row(rs.getString(1), decrypt(id, rs.getBytes(2)),
                        rs.getTimestamp(4).toInstant(), rs.getTimestamp(5).toInstant()));
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not read credential '" + id + "'", e);
        }
    }

    private Map<String, String> decrypt(String id, byte[] sealed) {
        try {
            return json.readValue(cipher.decrypt(id, sealed), SECRETS);
        } catch (AEADBadTagException tampered) {
            throw new UnreadableCredentialException("credential '" + id + "' does not decrypt with the configured key "
                    + cipher.keyId() + ": its stored data was altered");
        } catch (java.io.IOException e) {
            throw new UnreadableCredentialException("credential '" + id + "' decrypts to unreadable data");
        }
    }

    private byte[] toJson(Map<String, String> secrets) {
        try {
            return json.writeValueAsString(secrets).getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("secrets cannot be written as JSON", e);
        }
    }
}
