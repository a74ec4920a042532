package io.komo.sync.connector.spi;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One platform setting a definition may give under {@code options} (a Mailchimp audience id, the member of a webhook
 * payload that holds the record id), declared by its connector as a kamelet declares its parameters: a name, a type,
 * a description for the people writing definitions, whether it is required, its default and, for an enum, the values
 * it takes. The definition validator refuses an option no connector declared and a value that does not fit, each
 * named at {@code options.<name>}; the connector reads the checked value with {@link #valueIn}.
 *
 * <p>Declare with the factories and refine with {@link #withDefault} or {@link #asRequired()}:
 * <pre>{@code
 * ConnectorOption.text("idField", "The member of each pushed record that holds its id.").withDefault("id")
 * ConnectorOption.oneOf("region", "Where the account is hosted.", "us", "eu").asRequired()
 * }</pre>
 *
 * @param allowedValues the values an {@link Type#ENUM} option takes; empty for every other type
 * @param defaultValue  the value when a definition gives none, already of the option's type; null when there is none
 */
public record ConnectorOption(String name, Type type, String description, boolean required, Object defaultValue,
        List<String> allowedValues) {

    /** How an option's value is written in a definition (YAML or JSON), and what {@link #valueIn} gives for it. */
    public enum Type {
        /** A non-empty string; read as a {@link String}. */
        TEXT,
        /** A whole number; read as a {@link Long}. */
        INTEGER,
        /** {@code true} or {@code false}; read as a {@link Boolean}. */
        BOOLEAN,
        /** A whole number and one of ms, s, m, h ({@code 30s}, {@code 10m}), as everywhere in a definition; read as a {@link Duration}. */
        DURATION,
        /** An absolute http or https URL; read as a {@link String}. */
        URL,
        /** One of {@link #allowedValues()}; read as a {@link String}. */
        ENUM;

        public String wireName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Pattern OPTION_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]*");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h)");

    public ConnectorOption {
        if (name == null || !OPTION_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "an option name is a letter followed by letters, digits, - or _: " + name);
        }
        if (type == null) {
            throw new IllegalArgumentException("option " + name + " has no type");
        }
        if (description == null || description.isBlank()) {
            throw new IllegalArgumentException(
                    "option " + name + " has no description: say what it does for the people writing definitions");
        }
        allowedValues = allowedValues == null ? List.of() : List.copyOf(allowedValues);
        if ((type == Type.ENUM) == allowedValues.isEmpty()) {
            throw new IllegalArgumentException("option " + name + ": an enum names its values, and only an enum does");
        }
        if (required && defaultValue != null) {
            throw new IllegalArgumentException("option " + name + " is required, so a default would never apply");
        }
        if (defaultValue != null) {
            Optional<Object> typed = convert(type, allowedValues, defaultValue);
            if (typed.isEmpty()) {
                throw new IllegalArgumentException("the default of option " + name + " is not "
                        + expected(type, allowedValues) + ": " + defaultValue);
            }
            defaultValue = typed.get();
        }
    }

    public static ConnectorOption text(String name, String description) {
        return new ConnectorOption(name, Type.TEXT, description, false, null, List.of());
    }

    public static ConnectorOption integer(String name, String description) {
        return new ConnectorOption(name, Type.INTEGER, description, false, null, List.of());
    }

    public static ConnectorOption bool(String name, String description) {
        return new ConnectorOption(name, Type.BOOLEAN, description, false, null, List.of());
    }

    public static ConnectorOption duration(String name, String description) {
        return new ConnectorOption(name, Type.DURATION, description, false, null, List.of());
    }

    public static ConnectorOption url(String name, String description) {
        return new ConnectorOption(name, Type.URL, description, false, null, List.of());
    }

    public static ConnectorOption oneOf(String name, String description, String... values) {
        return new ConnectorOption(name, Type.ENUM, description, false, null, List.of(values));
    }

    public ConnectorOption withDefault(Object value) {
        return new ConnectorOption(name, type, description, required, value, allowedValues);
    }

    public ConnectorOption asRequired() {
        return new ConnectorOption(name, type, description, true, defaultValue, allowedValues);
    }

    /** Why {@code value}, as a definition gives it, does not fit this option; empty when it fits. */
    public Optional<String> problem(Object value) {
        if (value == null) {
            return required ? Optional.of("is required: " + description) : Optional.empty();
        }
        if (convert(type, allowedValues, value).isPresent()) {
            return Optional.empty();
        }
        String shown = value instanceof String text ? "'" + text + "'" : String.valueOf(value);
        return Optional.of("expected " + expected(type, allowedValues) + ", not " + shown);
    }

    /**
     * This option's value in a definition's {@code options}, of its type (see {@link Type}), or its default when the
     * definition gives none (null when it has no default either).
     *
     * @throws IllegalArgumentException when the value does not fit (the validator refuses such a definition first)
     */
    public Object valueIn(Map<String, Object> options) {
        Object value = options == null ? null : options.get(name);
        if (value == null) {
            return defaultValue;
        }
        return convert(type, allowedValues, value).orElseThrow(() -> new IllegalArgumentException(
                "option " + name + " " + problem(value).orElse("does not fit")));
    }

    private static Optional<Object> convert(Type type, List<String> allowedValues, Object value) {
        return switch (type) {
            case TEXT -> value instanceof String text && !text.isBlank() ? Optional.of(text) : Optional.empty();
            case INTEGER -> wholeNumber(value);
            case BOOLEAN -> value instanceof Boolean flag ? Optional.of(flag) : Optional.empty();
            case DURATION -> value instanceof String text ? parseDuration(text).map(d -> (Object) d) : Optional.empty();
            case URL -> value instanceof String text && isHttpUrl(text) ? Optional.of(text) : Optional.empty();
            case ENUM ->
                value instanceof String text && allowedValues.contains(text) ? Optional.of(text) : Optional.empty();
        };
    }

    private static Optional<Object> wholeNumber(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return Optional.of(((Number) value).longValue());
        }
        if (value instanceof BigInteger big && big.bitLength() < 64) {
            return Optional.of(big.longValue());
        }
        return Optional.empty();
    }

    /**
     * The definition's duration grammar ({@code retry.initialDelay: 1s}): a whole number and one of ms, s, m, h.
     * The definition package reads its own durations through this, so a definition has one way to write one.
     */
    public static Optional<Duration> parseDuration(String text) {
        Matcher matcher = DURATION.matcher(text == null ? "" : text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        long amount = Long.parseLong(matcher.group(1));
        return Optional.of(switch (matcher.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofHours(amount);
        });
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            return uri.isAbsolute() && (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static String expected(Type type, List<String> allowedValues) {
        return switch (type) {
            case TEXT -> "a non-empty text";
            case INTEGER -> "a whole number";
            case BOOLEAN -> "true or false";
            case DURATION -> "a duration such as 500ms, 30s, 10m or 1h";
            case URL -> "an absolute http or https URL";
            case ENUM -> "one of " + String.join(", ", allowedValues);
        };
    }
}
