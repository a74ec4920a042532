package io.komo.sync.contact;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.komo.sync.api.FieldError;

/**
 * Reads a contact body of the API and applies it to a contact: validates every field first (all
 * errors at once, nothing applied when one is wrong), then sets what changed and stamps each changed
 * field's modification time, which the 3-way merge relies on.
 */
public final class ContactInput {

    /** How absent fields are treated. */
    public enum Mode {
        /** A new contact: absent fields keep their defaults. */
        CREATE,
        /** PUT: absent fields are cleared. */
        REPLACE,
        /** PATCH (and create with merge=true): only the fields sent change; properties merge by key. */
        MERGE
    }

    static final Set<String> READ_ONLY = Set.of("id", "createdAt", "updatedAt", "fieldModifiedAt");
    private static final int MAX_NAME = 200;
    private static final int MAX_TIER = 64;

    private final String defaultPhoneRegion;
    private final ObjectMapper mapper;

    public ContactInput(String defaultPhoneRegion, ObjectMapper mapper) {
        this.defaultPhoneRegion = defaultPhoneRegion;
        this.mapper = mapper;
    }

    /** The outcome of {@link #apply}: the fields that changed, or why nothing was applied. */
    public record Outcome(List<String> changedFields, List<FieldError> errors) {
        public boolean valid() {
            return errors.isEmpty();
        }
    }

    /** The normalised email of a body, or null when it has none or an invalid one (apply reports why). */
    public static String emailOf(JsonNode body) {
        JsonNode email = body == null ? null : body.get("email");
        return email != null && email.isTextual() ? EmailAddresses.normalise(email.asText()).orElse(null) : null;
    }

    public Outcome apply(Contact contact, JsonNode body, Mode mode, Instant now) {
        List<FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            return new Outcome(List.of(), List.of(new FieldError("", "a contact must be a JSON object")));
        }
        Staged staged = new Staged();
        Iterator<Map.Entry<String, JsonNode>> fields = body.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            stage(field.getKey(), field.getValue(), staged, errors);
        }
        if (mode != Mode.MERGE && !body.has("email")) {
            errors.add(new FieldError("email", "is required"));
        }
        if (!errors.isEmpty()) {
            return new Outcome(List.of(), errors);
        }
        return new Outcome(write(contact, staged, mode, now), List.of());
    }

    /** Values read from the body, each already valid and normalised. */
    private static final class Staged {
        final Map<String, Object> standard = new LinkedHashMap<>();
        ObjectNode properties;
    }

    private void stage(String name, JsonNode value, Staged staged, List<FieldError> errors) {
        if (READ_ONLY.contains(name)) {
            return; // round-tripping a read answer is allowed; these are set by the server
        }
        switch (name) {
            case "email" -> {
                if (!value.isTextual()) {
                    errors.add(new FieldError(name, "must be a string"));
                } else {
                    EmailAddresses.normalise(value.asText()).ifPresentOrElse(
                            e -> staged.standard.put(name, e),
                            () -> errors.add(new FieldError(name, "is not a valid email address")));
                }
            }
            case "firstName", "lastName" -> text(name, value, MAX_NAME, staged, errors);
            case "tier" -> text(name, value, MAX_TIER, staged, errors);
            case "phone" -> {
                if (value.isNull() || (value.isTextual() && value.asText().isBlank())) {
                    staged.standard.put(name, null);
                } else if (!value.isTextual()) {
                    errors.add(new FieldError(name, "must be a string"));
                } else {
                    PhoneNumbers.toE164(value.asText(), defaultPhoneRegion).ifPresentOrElse(
                            p -> staged.standard.put(name, p),
                            () -> errors.add(new FieldError(name, "is not a valid phone number")));
                }
            }
            case "points" -> {
                if (!value.isIntegralNumber() || !value.canConvertToLong()) {
                    errors.add(new FieldError(name, "must be a whole number"));
                } else if (value.asLong() < 0) {
                    errors.add(new FieldError(name, "must not be negative"));
                } else {
                    staged.standard.put(name, value.asLong());
                }
            }
            case "lists" -> lists(value, staged, errors);
            case "subscriptionStatus" -> {
                if (!value.isTextual() || SubscriptionStatus.parse(value.asText()).isEmpty()) {
                    errors.add(new FieldError(name, "must be one of subscribed, unsubscribed, pending, cleaned"));
                } else {
                    staged.standard.put(name, value.asText());
                }
            }
            case "lastActivityAt" -> {
                if (value.isNull()) {
                    staged.standard.put(name, null);
                } else {
                    try {
                        staged.standard.put(name, Instant.parse(value.asText()));
                    } catch (DateTimeParseException e) {
                        errors.add(
                                new FieldError(name, "must be an ISO-8601 UTC timestamp such as 2026-01-31T12:00:00Z"));
                    }
                }
            }
            case "properties" -> {
                if (value.isObject()) {
                    staged.properties = (ObjectNode) value;
                } else if (!value.isNull()) {
                    errors.add(new FieldError(name, "must be an object"));
                }
            }
            default -> errors.add(new FieldError(name, "unknown field"));
        }
    }

    private static void text(String name, JsonNode value, int max, Staged staged, List<FieldError> errors) {
        if (value.isNull()) {
            staged.standard.put(name, null);
        } else if (!value.isTextual()) {
            errors.add(new FieldError(name, "must be a string"));
        } else if (value.asText().length() > max) {
            errors.add(new FieldError(name, "must be at most " + max + " characters"));
        } else {
            String text = value.asText().trim();
            staged.standard.put(name, text.isEmpty() ? null : text);
        }
    }

    private static void lists(JsonNode value, Staged staged, List<FieldError> errors) {
        if (value.isNull()) {
            staged.standard.put("lists", List.of());
            return;
        }
        if (!value.isArray()) {
            errors.add(new FieldError("lists", "must be an array of list names"));
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            if (!item.isTextual() || item.asText().isBlank()) {
                errors.add(new FieldError("lists[" + i + "]", "must be a non-empty string"));
            } else {
                names.add(item.asText().trim());
            }
        }
        staged.standard.put("lists", List.copyOf(names));
    }

    private List<String> write(Contact c, Staged staged, Mode mode, Instant now) {
        List<String> changed = new ArrayList<>();
        if (mode == Mode.REPLACE) {
            for (String field : List.of("firstName", "lastName", "phone", "tier", "lastActivityAt")) {
                staged.standard.putIfAbsent(field, null);
            }
            staged.standard.putIfAbsent("lists", List.of());
            staged.standard.putIfAbsent("points", 0L);
        }
        for (Map.Entry<String, Object> field : staged.standard.entrySet()) {
            if (set(c, field.getKey(), field.getValue()) || mode == Mode.CREATE) {
                changed.add(field.getKey());
            }
        }
        changed.addAll(writeProperties(c, staged.properties, mode));
        String stamp = now.toString();
        changed.forEach(field -> c.fieldModifiedAt.put(field, stamp));
        return changed;
    }

    /** Sets one standard field; true when its value changed. */
    private static boolean set(Contact c, String field, Object value) {
        Object old = switch (field) {
            case "email" -> c.email;
            case "firstName" -> c.firstName;
            case "lastName" -> c.lastName;
            case "phone" -> c.phone;
            case "tier" -> c.tier;
            case "points" -> c.points;
            case "lists" -> c.lists;
            case "subscriptionStatus" -> c.subscriptionStatus;
            case "lastActivityAt" -> c.lastActivityAt;
            default -> throw new IllegalArgumentException(field);
        };
        if (Objects.equals(old, value)) {
            return false;
        }
        switch (field) {
            case "email" -> c.email = (String) value;
            case "firstName" -> c.firstName = (String) value;
            case "lastName" -> c.lastName = (String) value;
            case "phone" -> c.phone = (String) value;
            case "tier" -> c.tier = (String) value;
            case "points" -> c.points = (Long) value;
            case "lists" -> c.lists = new ArrayList<>(castList(value));
            case "subscriptionStatus" -> c.subscriptionStatus = (String) value;
            case "lastActivityAt" -> c.lastActivityAt = (Instant) value;
            default -> throw new IllegalArgumentException(field);
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static List<String> castList(Object value) {
        return (List<String>) value;
    }

    private List<String> writeProperties(Contact c, ObjectNode sent, Mode mode) {
        Map<String, Object> next = new LinkedHashMap<>(mode == Mode.MERGE ? c.properties : Map.of());
        if (sent != null) {
            sent.fields().forEachRemaining(p -> {
                if (p.getValue().isNull() && mode == Mode.MERGE) {
                    next.remove(p.getKey());
                } else {
                    next.put(p.getKey(), mapper.convertValue(p.getValue(), Object.class));
                }
            });
        }
        List<String> changed = new ArrayList<>();
        Set<String> keys = new LinkedHashSet<>(c.properties.keySet());
        keys.addAll(next.keySet());
        for (String key : keys) {
            if (!Objects.equals(c.properties.get(key), next.get(key))) {
                changed.add("properties." + key);
            }
        }
        if (!changed.isEmpty()) {
            c.properties = next;
        }
        return changed;
    }
}
