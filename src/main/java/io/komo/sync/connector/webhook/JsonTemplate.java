package io.komo.sync.connector.webhook;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * A request body template of the generic webhook ({@code endpoint.template}): JSON text in which each
 * {@code ${field}} stands for one whole JSON value and is replaced by the JSON encoding of that field of
 * the mapped record: a string becomes a quoted, escaped string, a number a number, a list an array, a
 * missing field {@code null}.
 *
 * <p>Because placeholders are whole values, {@code {"email": ${email}}} is right and
 * {@code {"greeting": "Hi ${firstName}"}} is not: it renders to invalid JSON and is refused. Keeping the
 * rule this simple means a value can never break out of its place in the document (no injection).
 */
final class JsonTemplate {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([A-Za-z0-9_.\\-]+)}");

    private final String text;
    private final ObjectMapper json;

    JsonTemplate(String text, ObjectMapper json) {
        this.text = text;
        this.json = json;
        refusePlaceholdersInsideStrings(text);
    }

    /** The rendered document; throws IllegalArgumentException naming the problem when it is not valid JSON. */
    JsonNode render(Map<String, Object> values) {
        Matcher placeholder = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder(text.length() + 64);
        while (placeholder.find()) {
            placeholder.appendReplacement(out, Matcher.quoteReplacement(encode(values.get(placeholder.group(1)))));
        }
        placeholder.appendTail(out);
        try {
            return json.readTree(out.toString());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "endpoint.template does not render to valid JSON: " + e.getOriginalMessage());
        }
    }

    /**
     * Checked on the template itself, not on a rendering: {@code "Hi ${name}"} would render to valid
     * JSON whenever the value happens to be null or a number, and fail only for some records.
     */
    private static void refusePlaceholdersInsideStrings(String text) {
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString && c == '\\') {
                i++; // the escaped character cannot end the string
            } else if (c == '"') {
                inString = !inString;
            } else if (inString && c == '$' && i + 1 < text.length() && text.charAt(i + 1) == '{') {
                throw new IllegalArgumentException("endpoint.template has a ${...} placeholder inside a JSON string at "
                        + "character " + i
                        + "; a placeholder must stand for a whole JSON value, e.g. {\"name\": ${firstName}}");
            }
        }
    }

    private String encode(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("a mapped value cannot be written as JSON: " + e.getOriginalMessage());
        }
    }
}
