package io.komo.sync.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jboss.logging.Logger;

/**
 * The AES-256 key of the credential store, with its id: the first 8 hex characters of its SHA-256,
 * stored next to each ciphertext so that starting with another key is reported as such rather than as
 * corrupt data. The id reveals nothing usable about the key.
 *
 * <p>From {@code komo.credentials.key} ({@code KOMO_CREDENTIALS_KEY}, base64 of 32 bytes) when set.
 * Otherwise a key is generated once into a file readable only by its owner, so a fresh install works
 * and its credentials survive a restart; production sets the variable (see README).
 */
final class CredentialKey {

    static final int KEY_BYTES = 32;
    private static final Logger LOG = Logger.getLogger(CredentialKey.class);
    private static final AtomicBoolean WARNED = new AtomicBoolean();

    private final byte[] key;
    private final String id;

    private CredentialKey(byte[] key) {
        this.key = key.clone();
        this.id = idOf(key);
    }

    static CredentialKey of(byte[] key) {
        if (key.length != KEY_BYTES) {
            throw new IllegalArgumentException("a credential key is " + KEY_BYTES + " bytes, not " + key.length);
        }
        return new CredentialKey(key);
    }

    /** @throws IllegalStateException when the configured key is not base64 of 32 bytes (the message never holds it) */
    static CredentialKey load(Optional<String> configured, Path keyFile) {
        if (configured.isPresent() && !configured.get().isBlank()) {
            return of(decode(configured.get(), "KOMO_CREDENTIALS_KEY"));
        }
        if (WARNED.compareAndSet(false, true)) {
            LOG.warnf("KOMO_CREDENTIALS_KEY is not set: stored credentials are encrypted with the generated key in %s. "
                    + "Set KOMO_CREDENTIALS_KEY (base64 of 32 random bytes, e.g. `openssl rand -base64 32`) in production, "
                    + "from a secret store, and keep it: credentials stored under one key cannot be read with another.",
                    keyFile.toAbsolutePath());
        }
        return of(readOrCreate(keyFile));
    }

    byte[] bytes() {
        return key.clone();
    }

    String id() {
        return id;
    }

    private static byte[] readOrCreate(Path keyFile) {
        try {
            if (!Files.exists(keyFile)) {
                byte[] fresh = new byte[KEY_BYTES];
                new SecureRandom().nextBytes(fresh);
                if (create(keyFile, Base64.getEncoder().encodeToString(fresh))) {
                    return fresh;
                }
            }
            return decode(Files.readString(keyFile, StandardCharsets.US_ASCII), keyFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the credential key file " + keyFile, e);
        }
    }

    /** Creates the file owner-only from the start (no window with wider permissions); false if another process won. */
    private static boolean create(Path keyFile, String content) throws IOException {
        Path parent = keyFile.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try {
            boolean posix = keyFile.getFileSystem().supportedFileAttributeViews().contains("posix");
            if (posix) {
                Files.createFile(keyFile,
                        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } else {
                Files.createFile(keyFile);
            }
        } catch (FileAlreadyExistsException raced) {
            return false;
        }
        Files.writeString(keyFile, content + "\n", StandardCharsets.US_ASCII);
        return true;
    }

    private static byte[] decode(String base64, String source) {
        byte[] key;
        try {
            key = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(source + " is not base64 (expected base64 of " + KEY_BYTES + " bytes)");
        }
        if (key.length != KEY_BYTES) {
            throw new IllegalStateException(
                    source + " decodes to " + key.length + " bytes; AES-256 needs " + KEY_BYTES);
        }
        return key;
    }

    private static String idOf(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)).substring(0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }
}
