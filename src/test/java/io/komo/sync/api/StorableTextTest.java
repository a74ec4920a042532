package io.komo.sync.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

/** Which text PostgreSQL can store, found in plain text and in JSON text before it is decoded. */
class StorableTextTest {

    private static final String NUL = "\0";
    private static final String HIGH = "\uD83D";
    private static final String LOW = "\uDE00";

    @Test
    void plainTextWithANulOrAHalfSurrogateIsNotStorable() {
        assertThat(StorableText.problem("hooks-1")).isNull();
        assertThat(StorableText.problem("smile " + HIGH + LOW)).isNull();
        assertThat(StorableText.problem("a" + NUL + "b")).contains("NUL");
        assertThat(StorableText.problem("a" + HIGH)).contains("surrogate");
        assertThat(StorableText.problem(HIGH + "a" + LOW)).contains("surrogate");
        assertThat(StorableText.problem(LOW + HIGH)).contains("surrogate");
    }

    @Test
    void escapingKeepsEverythingReadableAndStorable() {
        assertThat(StorableText.escape("/api/integrations/a" + NUL + "b")).isEqualTo("/api/integrations/a\\u0000b");
        assertThat(StorableText.escape("line\nbreak\u007f")).isEqualTo("line\\u000abreak\\u007f");
        assertThat(StorableText.escape("x" + HIGH)).isEqualTo("x\\ud83d");
        assertThat(StorableText.escape("ok " + HIGH + LOW + " é")).isEqualTo("ok " + HIGH + LOW + " é");
        assertThat(StorableText.escape(null)).isNull();
        for (String text : new String[]{NUL, HIGH, LOW + HIGH, "a" + NUL + HIGH + LOW + LOW}) {
            assertThat(StorableText.problem(StorableText.escape(text))).as(text).isNull();
        }
    }

    @Test
    void jsonTextIsJudgedByTheStringsItDecodesTo() {
        assertThat(StorableText.jsonProblem("{\"a\": \"b\\n\\\"c\\u00e9\"}")).isNull();
        assertThat(StorableText.jsonProblem("{\"a\": \"\\ud83d\\ude00\"}")).isNull();
        assertThat(StorableText.jsonProblem("{\"a\": \"\\\\u0000\"}")).as("an escaped backslash, then text").isNull();
        assertThat(StorableText.jsonProblem("{\"a\": \"\\\\\\u0000\"}")).as("a backslash, then a NUL").contains("NUL");
        assertThat(StorableText.jsonProblem("{\"a\": \"\\u0000\"}")).contains("NUL");
        assertThat(StorableText.jsonProblem("{\"a\\u0000\": 1}")).contains("NUL");
        assertThat(StorableText.jsonProblem("{\"a\": \"\\uD800\"}")).contains("surrogate");
        assertThat(StorableText.jsonProblem("{\"a\": \"\\ud800x\"}")).contains("surrogate");
        assertThat(StorableText.jsonProblem("{\"a\": \"\\ud800\\n\"}")).contains("surrogate");
        assertThat(StorableText.jsonProblem("{\"a\": \"\\ud800\\u0041\"}")).contains("surrogate");
        assertThat(StorableText.jsonProblem("{\"a\": \"\\udc00\"}")).contains("surrogate");
        assertThat(StorableText.jsonProblem("[\"\\ud800")).contains("surrogate");
        assertThat(StorableText.jsonProblem("{\"a\": \"" + NUL + "\"}")).contains("NUL");
    }

    @Test
    void utf8BytesAreScannedAsTheyArrive() {
        assertThat(scanBytes("{\"a\": \"smile \uD83D\uDE00 \u00e9 \ud7ff\"}".getBytes(StandardCharsets.UTF_8)))
                .isNull();
        // A surrogate written in UTF-8 (CESU style): ED A0 80 is U+D800.
        assertThat(scanBytes(new byte[]{'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'})).contains("surrogate");
        assertThat(scanBytes("{\"a\": \"\\u0000\"}".getBytes(StandardCharsets.UTF_8))).contains("NUL");
    }

    private static String scanBytes(byte[] bytes) {
        StorableText.JsonScan scan = new StorableText.JsonScan();
        for (byte b : bytes) {
            String problem = scan.feed(b & 0xFF);
            if (problem != null) {
                return problem;
            }
        }
        return scan.end();
    }
}
