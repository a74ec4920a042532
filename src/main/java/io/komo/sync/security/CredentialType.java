package io.komo.sync.security;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.ProblemException;

/**
 * The kinds of credential {@code PUT /api/credentials/{id}} takes, and the fields each needs. A
 * credential's secrets are a flat map of strings; for {@code headers} it is the header names and values.
 */
public enum CredentialType {
    BEARER("bearer", List.of("token"), List.of(), Set.of()), BASIC("basic", List.of("username", "password"), List.of(),
            Set.of()), API_KEY("api-key", List.of("key"), List.of("header"), Set.of("header")), OAUTH2("oauth2",
                    List.of("clientId", "clientSecret"), List.of("refreshToken", "accessToken", "tokenUrl"),
                    Set.of("tokenUrl")), HEADERS("headers", List.of(), List.of(), Set.of()),
    /** A Standard Webhooks signing secret ({@code whsec_<base64>}) for inbound verification and outbound signing. */
    WEBHOOK_SECRET("webhook-secret", List.of("secret"), List.of(), Set.of());

    /** Values shorter than this are masked entirely: showing four characters of them would show too much. */
    static final int SHORTEST_PARTLY_SHOWN = 16;
    static final String MASK = "****";

    private final String wireName;
    private final List<String> required;
    private final List<String> optional;
    /** Fields that are configuration, not secrets (a header name, a token URL): shown as they are. */
    private final Set<String> plain;

    CredentialType(String wireName, List<String> required, List<String> optional, Set<String> plain) {
        this.wireName = wireName;
        this.required = required;
        this.optional = optional;
        this.plain = plain;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<CredentialType> of(String name) {
        for (CredentialType type : values()) {
            if (type.wireName.equals(name == null ? null : name.toLowerCase(Locale.ROOT))) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }

    /**
     * The secrets of a request body ({@code {"type": ..., ...fields}}), or a 400 naming every missing,
     * empty, non-string or unknown field.
     */
    public static Parsed parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ProblemException.invalid("", "must be a JSON object with a type and its secret fields");
        }
        JsonNode typeNode = body.get("type");
        CredentialType type = typeNode == null || !typeNode.isTextual() ? null : of(typeNode.asText()).orElse(null);
        if (type == null) {
            throw ProblemException.invalid("type", "must be one of " + String.join(", ",
                    java.util.Arrays.stream(values()).map(CredentialType::wireName).toList()));
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, String> secrets = type == HEADERS ? type.headers(body, errors) : type.fields(body, errors);
        if (!errors.isEmpty()) {
            throw ProblemException.invalid(errors);
        }
        return new Parsed(type, secrets);
    }

    public record Parsed(CredentialType type, Map<String, String> secrets) {
    }

    private Map<String, String> fields(JsonNode body, List<FieldError> errors) {
        Map<String, String> secrets = new LinkedHashMap<>();
        for (String name : required) {
            JsonNode value = body.get(name);
            if (value == null || value.isNull() || (value.isTextual() && value.asText().isEmpty())) {
                errors.add(new FieldError(name, "is required for a " + wireName + " credential"));
            } else if (!value.isTextual()) {
                errors.add(new FieldError(name, "must be a string"));
            } else {
                secrets.put(name, value.asText());
            }
        }
        for (String name : optional) {
            JsonNode value = body.get(name);
            if (value != null && !value.isNull()) {
                if (!value.isTextual()) {
                    errors.add(new FieldError(name, "must be a string"));
                } else if (!value.asText().isEmpty()) {
                    secrets.put(name, value.asText());
                }
            }
        }
        for (Iterator<String> names = body.fieldNames(); names.hasNext();) {
            String name = names.next();
            if (!name.equals("type") && !required.contains(name) && !optional.contains(name)) {
                errors.add(new FieldError(name, "is not a field of a " + wireName + " credential"));
            }
        }
        return secrets;
    }

    private Map<String, String> headers(JsonNode body, List<FieldError> errors) {
        Map<String, String> secrets = new LinkedHashMap<>();
        JsonNode headers = body.get("headers");
        if (headers == null || !headers.isObject() || headers.isEmpty()) {
            errors.add(new FieldError("headers",
                    "is required for a headers credential: an object of header names to strings"));
            return secrets;
        }
        headers.fields().forEachRemaining(header -> {
            if (!header.getKey().matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                errors.add(new FieldError("headers." + header.getKey(), "is not a valid header name"));
            } else if (!header.getValue().isTextual() || header.getValue().asText().isEmpty()) {
                errors.add(new FieldError("headers." + header.getKey(), "must be a non-empty string"));
            } else {
                secrets.put(header.getKey(), header.getValue().asText());
            }
        });
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals("type") && !name.equals("headers")) {
                errors.add(new FieldError(name, "is not a field of a headers credential"));
            }
        });
        return secrets;
    }

    /** The secrets as they may be shown: each secret value as {@code ****} plus at most its last 4 characters. */
    public Map<String, String> masked(Map<String, String> secrets) {
        Map<String, String> masked = new LinkedHashMap<>();
        secrets.forEach((name, value) -> masked.put(name, plain.contains(name) ? value : mask(value)));
        return masked;
    }

    /** Masks per {@code type}; a type this version does not know has every value masked. */
    public static Map<String, String> mask(String type, Map<String, String> secrets) {
        return of(type).orElse(BEARER).masked(secrets);
    }

    static String mask(String value) {
        return value == null || value.length() < SHORTEST_PARTLY_SHOWN
                ? MASK
                : MASK + value.substring(value.length() - 4);
    }
}
