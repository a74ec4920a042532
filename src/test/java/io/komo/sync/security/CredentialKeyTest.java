package io.komo.sync.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.AEADBadTagException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialKeyTest {

    @TempDir
    Path dir;

    @Test
    void configuredKeyWinsAndNoFileIsWritten() {
        String base64 = Base64.getEncoder().encodeToString(new byte[32]);
        CredentialKey key = CredentialKey.load(Optional.of(base64), dir.resolve("credentials.key"));
        assertThat(key.bytes()).isEqualTo(new byte[32]);
        // SHA-256 of 32 zero bytes is 66687aad...
        assertThat(key.id()).isEqualTo("66687aad");
        assertThat(dir.resolve("credentials.key")).doesNotExist();
    }

    @Test
    void withoutAConfiguredKeyOneIsGeneratedOwnerOnlyAndKept() throws Exception {
        Path file = dir.resolve("nested/credentials.key");
        CredentialKey first = CredentialKey.load(Optional.empty(), file);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        CredentialKey afterRestart = CredentialKey.load(Optional.of(" "), file);
        assertThat(afterRestart.bytes()).isEqualTo(first.bytes());
        assertThat(afterRestart.id()).isEqualTo(first.id()).hasSize(8);
    }

    @Test
    void malformedKeysAreRefusedWithoutShowingThem() {
        assertThatThrownBy(() -> CredentialKey.load(Optional.of("not base64 !!"), dir.resolve("k")))
                .hasMessageContaining("KOMO_CREDENTIALS_KEY").hasMessageNotContaining("!!");
        String short16 = Base64.getEncoder().encodeToString(new byte[16]);
        assertThatThrownBy(() -> CredentialKey.load(Optional.of(short16), dir.resolve("k")))
                .hasMessageContaining("16 bytes").hasMessageNotContaining(short16);
    }

    @Test
    void cipherRoundTripsAndBindsToTheCredentialId() throws Exception {
        CredentialCipher cipher = new CredentialCipher(CredentialKey.load(Optional.empty(), dir.resolve("k")));
        byte[] sealed = cipher.encrypt("cred-a", "s3cret".getBytes());
        assertThat(new String(cipher.decrypt("cred-a", sealed))).isEqualTo("s3cret");
        assertThat(cipher.encrypt("cred-a", "s3cret".getBytes())).as("fresh nonce each time").isNotEqualTo(sealed);
        assertThatThrownBy(() -> cipher.decrypt("cred-b", sealed)).isInstanceOf(AEADBadTagException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt("cred-a", sealed)).isInstanceOf(AEADBadTagException.class);
    }
}
