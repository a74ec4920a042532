package io.komo.sync.definition;

import java.net.URI;
import java.net.URISyntaxException;
import java.text.ParseException;
import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.quartz.CronExpression;

import io.komo.sync.api.FieldError;
import io.komo.sync.api.ProblemException;
import io.komo.sync.connector.spi.AuthType;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorOption;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.filter.ContactFilter;
import io.komo.sync.filter.FilterException;
import io.komo.sync.mapping.FieldMapper;
import io.komo.sync.mapping.FieldMapping;
import io.komo.sync.mapping.MappingDefinitionException;

/**
 * Checks an integration definition as a whole (API.md § Integration definition) and names every problem
 * by its path ({@code trigger.timezone}, {@code mapping[2].komo}), so one answer lists all there is to fix.
 * The same check serves the API and the definition files.
 */
public final class DefinitionValidator {

    public static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{1,62}");
    static final int MAX_BATCH_SIZE = 10_000;
    /**
     * The largest inbound backlog an integration may set: ten million stored webhooks are gigabytes of table and,
     * at the apply rates measured (docs/BENCHMARKS.md), hours of lag; a larger value is a typo, not a plan.
     */
    static final long MAX_INBOUND_BACKLOG = 10_000_000;
    static final int MAX_NAME_LENGTH = 200;
    /** A document with more problems than this is not worth reading further. */
    private static final int MAX_READ_ERRORS = 100;
    private static final Pattern ENUM_VALUES = Pattern
            .compile("not one of the values accepted for Enum class: \\[(.*)]");

    private final ConnectorRegistry connectors;
    private final String defaultPhoneRegion;
    private final Clock clock;

    /**
     * @param connectors         the installed connectors: a definition's platform, auth type and options are
     *                           checked against what its connector declares
     * @param defaultPhoneRegion as the mapper will be built with, so phone defaults are checked the same way
     */
    public DefinitionValidator(ConnectorRegistry connectors, String defaultPhoneRegion, Clock clock) {
        this.connectors = connectors;
        this.defaultPhoneRegion = defaultPhoneRegion;
        this.clock = clock;
    }

    /** A checked definition, or every problem found; exactly one of the two is present. */
    public record Outcome(IntegrationDefinition definition, List<FieldError> errors) {

        public boolean valid() {
            return errors.isEmpty();
        }

        /** The definition, or a 400 problem listing every error. */
        public IntegrationDefinition orThrow() {
            if (!valid()) {
                throw ProblemException.invalid(errors);
            }
            return definition;
        }
    }

    /**
     * @param tree      the definition as sent or as read from YAML
     * @param outerId   the id the path or the file name gives; null when only the body names it (create).
     *                  When both name one they must agree.
     */
    public Outcome validate(JsonNode tree, String outerId) {
        Errors errors = new Errors();
        if (tree == null || tree.isNull() || tree.isMissingNode()) {
            errors.add("", "the definition is missing: send a JSON object");
            return errors.outcome(null);
        }
        if (!tree.isObject()) {
            errors.add("",
                    "the definition must be an object, not " + tree.getNodeType().toString().toLowerCase(Locale.ROOT));
            return errors.outcome(null);
        }
        IntegrationDefinition read = readLeniently(tree.deepCopy(), errors);
        if (read == null) {
            return errors.outcome(null);
        }
        IntegrationDefinition definition = checkId(read, outerId, errors);
        Connector connector = checkPlatform(definition, errors);
        checkName(definition, errors);
        checkTrigger(definition.trigger(), errors);
        checkEndpoint(definition.endpoint(), errors);
        checkAuth(definition.auth(), connector, errors);
        checkOptions(definition.options(), connector, errors);
        checkScope(definition.scope(), errors);
        checkMapping(definition.mapping(), errors);
        checkRateLimit(definition.rateLimit(), errors);
        checkRetry(definition.retry(), errors);
        checkBatchSize(definition.batchSize(), errors);
        checkInbound(definition.inbound(), errors);
        return errors.outcome(definition);
    }

    /**
     * Jackson stops at the first problem; to report all of them, each unreadable node is noted and taken
     * out of the copy, and the copy read again until it reads (or has too many problems to be worth it).
     */
    private static IntegrationDefinition readLeniently(ObjectNode tree, Errors errors) {
        for (int attempt = 0; attempt < MAX_READ_ERRORS; attempt++) {
            try {
                return DefinitionJson.STRICT.treeToValue(tree, IntegrationDefinition.class);
            } catch (JsonMappingException e) {
                List<JsonMappingException.Reference> path = e.getPath();
                errors.add(path(path), readProblem(e));
                if (path.isEmpty() || !remove(tree, path)) {
                    return null;
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                errors.add("", e.getOriginalMessage());
                return null;
            }
        }
        return null;
    }

    private static boolean remove(ObjectNode root, List<JsonMappingException.Reference> path) {
        JsonNode parent = root;
        for (int i = 0; i < path.size() - 1; i++) {
            JsonMappingException.Reference step = path.get(i);
            parent = step.getFieldName() != null ? parent.get(step.getFieldName()) : parent.get(step.getIndex());
            if (parent == null) {
                return false;
            }
        }
        JsonMappingException.Reference last = path.get(path.size() - 1);
        if (parent instanceof ObjectNode object && last.getFieldName() != null && object.has(last.getFieldName())) {
            object.remove(last.getFieldName());
            return true;
        }
        if (parent instanceof ArrayNode array && last.getIndex() >= 0 && last.getIndex() < array.size()
                && !array.get(last.getIndex()).isNull()) {
            // Keep the positions of the later elements, so their errors name the index the author sees.
            array.set(last.getIndex(), NullNode.getInstance());
            return true;
        }
        return false;
    }

    private static String readProblem(JsonMappingException e) {
        if (e instanceof UnrecognizedPropertyException unknown) {
            Collection<Object> known = unknown.getKnownPropertyIds();
            return "unknown key '" + unknown.getPropertyName() + "'"
                    + (known == null || known.isEmpty()
                            ? ""
                            : "; allowed: " + String.join(", ", known.stream().map(String::valueOf).sorted().toList()));
        }
        Throwable cause = e.getCause();
        while (cause != null) {
            if (cause instanceof IllegalArgumentException) {
                // The wire enums name the value and the allowed ones themselves.
                return cause.getMessage();
            }
            cause = cause.getCause();
        }
        if (e instanceof InvalidFormatException format) {
            Matcher allowed = ENUM_VALUES.matcher(String.valueOf(format.getOriginalMessage()));
            if (allowed.find()) {
                return "unknown value '" + format.getValue() + "'; allowed: " + allowed.group(1);
            }
            return "expected " + describe(format.getTargetType()) + " but got '" + format.getValue() + "'";
        }
        if (e instanceof MismatchedInputException mismatch && mismatch.getTargetType() != null) {
            return "expected " + describe(mismatch.getTargetType());
        }
        return e.getOriginalMessage();
    }

    private static String describe(Class<?> type) {
        if (type == null) {
            return "a value";
        }
        if (Number.class.isAssignableFrom(type) || (type.isPrimitive() && type != boolean.class)) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        if (type == String.class || type.isEnum()) {
            return "a text value";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "a list";
        }
        return "an object";
    }

    private static String path(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference reference : references) {
            if (reference.getFieldName() != null) {
                path.append(path.isEmpty() ? "" : ".").append(reference.getFieldName());
            } else if (reference.getIndex() >= 0) {
                path.append('[').append(reference.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static IntegrationDefinition checkId(IntegrationDefinition definition, String outerId, Errors errors) {
        String id = definition.id();
        if (outerId != null && id != null && !outerId.equals(id)) {
            errors.add("id", "'" + id + "' differs from the id '" + outerId + "' of the path or file name");
            return definition;
        }
        String effective = id != null ? id : outerId;
        if (effective == null || effective.isBlank()) {
            errors.add("id", "is required");
        } else if (!ID.matcher(effective).matches()) {
            errors.add("id", "'" + effective
                    + "' must be 2 to 63 lower-case letters, digits or hyphens, starting with a letter or digit");
        }
        return id == null && effective != null ? definition.withId(effective) : definition;
    }

    /** The definition's connector, or null (and an error) when it names none that is installed. */
    private Connector checkPlatform(IntegrationDefinition definition, Errors errors) {
        if (definition.platform() == null || definition.platform().isBlank()) {
            errors.add("platform", "is required; available: " + available());
            return null;
        }
        Optional<Connector> connector = connectors.find(definition.platform());
        if (connector.isEmpty()) {
            errors.add("platform", "unknown platform '" + definition.platform() + "'; available: " + available());
        }
        return connector.orElse(null);
    }

    private String available() {
        Set<String> platforms = connectors.platforms();
        return platforms.isEmpty()
                ? "none (no connector is installed)"
                : String.join(", ", platforms.stream().sorted().toList());
    }

    private static void checkName(IntegrationDefinition definition, Errors errors) {
        if (definition.name() != null && definition.name().length() > MAX_NAME_LENGTH) {
            errors.add("name", "is longer than " + MAX_NAME_LENGTH + " characters");
        }
    }

    private static void checkTrigger(IntegrationDefinition.Trigger trigger, Errors errors) {
        if (trigger == null) {
            return;
        }
        if (trigger.schedule() != null) {
            try {
                new CronExpression(trigger.schedule());
            } catch (ParseException e) {
                errors.add("trigger.schedule",
                        "not a valid Quartz cron expression (seconds minutes hours day-of-month month "
                                + "day-of-week [year], e.g. \"0 0 * * * ?\"): " + e.getMessage());
            }
        }
        if (trigger.timezone() != null) {
            try {
                ZoneId.of(trigger.timezone());
            } catch (DateTimeException e) {
                errors.add("trigger.timezone", "unknown time zone '" + trigger.timezone()
                        + "' (use an IANA name such as Europe/London, or UTC)");
            }
        }
    }

    private static void checkEndpoint(IntegrationDefinition.Endpoint endpoint, Errors errors) {
        if (endpoint == null || endpoint.baseUrl() == null) {
            return;
        }
        try {
            URI uri = new URI(endpoint.baseUrl());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                errors.add("endpoint.baseUrl", "must be an absolute http or https URL such as https://api.example.com");
            }
        } catch (URISyntaxException e) {
            errors.add("endpoint.baseUrl", "is not a URL: " + e.getMessage());
        }
    }

    /**
     * An auth type must be one the platform's connector takes ({@link Connector#authTypes()}); without a known
     * connector, one of all there are. No auth block means {@code none}, which a platform that needs
     * authentication refuses.
     */
    private static void checkAuth(IntegrationDefinition.Auth auth, Connector connector, Errors errors) {
        Set<AuthType> accepted = connector == null ? EnumSet.allOf(AuthType.class) : connector.authTypes();
        String named = auth == null ? null : auth.type();
        Optional<AuthType> type = named == null ? Optional.of(AuthType.NONE) : AuthType.of(named);
        if (type.isPresent() && accepted.contains(type.get())) {
            return;
        }
        String allowed = String.join(", ", accepted.stream().map(AuthType::wireName).sorted().toList());
        if (named == null) {
            errors.add("auth.type", "is required by the " + connector.platform() + " platform; allowed: " + allowed);
        } else if (type.isEmpty() || connector == null) {
            errors.add("auth.type", "unknown value '" + named + "'; allowed: " + allowed);
        } else {
            errors.add("auth.type",
                    "the " + connector.platform() + " platform does not take '" + named + "'; allowed: " + allowed);
        }
    }

    /**
     * Each option must be one the platform's connector declares ({@link Connector#options()}) and fit its type; a
     * required one must be there. Each problem is named at {@code options.<name>}. Without a known connector the
     * options cannot be judged (the platform error says why).
     */
    private static void checkOptions(Map<String, Object> options, Connector connector, Errors errors) {
        if (connector == null) {
            return;
        }
        Map<String, Object> given = options == null ? Map.of() : options;
        Map<String, ConnectorOption> declared = new LinkedHashMap<>();
        connector.options().forEach(option -> declared.put(option.name(), option));
        for (String name : given.keySet()) {
            if (!declared.containsKey(name)) {
                errors.add("options." + name, "unknown option '" + name + "' of the " + connector.platform()
                        + " platform; "
                        + (declared.isEmpty() ? "it takes none" : "allowed: " + String.join(", ", declared.keySet())));
            }
        }
        declared.values().forEach(option -> option.problem(given.get(option.name()))
                .ifPresent(problem -> errors.add("options." + option.name(), problem)));
    }

    private static void checkScope(IntegrationDefinition.Scope scope, Errors errors) {
        if (scope == null || scope.filter() == null) {
            return;
        }
        try {
            ContactFilter.compile(scope.filter());
        } catch (FilterException e) {
            errors.add("scope.filter", e.getMessage());
        }
    }

    /** A definition may be saved without a mapping (a draft whose fields are not mapped yet); activation needs one. */
    private void checkMapping(List<FieldMapping> mapping, Errors errors) {
        if (mapping == null) {
            return;
        }
        try {
            FieldMapper.build(mapping, defaultPhoneRegion, clock);
        } catch (MappingDefinitionException e) {
            e.errors().forEach(errors::add);
        }
    }

    private static void checkRateLimit(IntegrationDefinition.RateLimit rateLimit, Errors errors) {
        if (rateLimit == null) {
            return;
        }
        positive("rateLimit.requests", rateLimit.requests(), errors);
        positive("rateLimit.perSeconds", rateLimit.perSeconds(), errors);
        positive("rateLimit.daily", rateLimit.daily(), errors);
    }

    private static void positive(String field, Number value, Errors errors) {
        if (value != null && value.longValue() < 1) {
            errors.add(field, "must be a positive whole number, not " + value);
        }
    }

    private static void checkRetry(IntegrationDefinition.Retry retry, Errors errors) {
        if (retry == null) {
            return;
        }
        if (retry.maxAttempts() != null && retry.maxAttempts() < 1) {
            errors.add("retry.maxAttempts", "must be at least 1, not " + retry.maxAttempts());
        }
        Duration initial = duration("retry.initialDelay", retry.initialDelay(), errors);
        Duration max = duration("retry.maxDelay", retry.maxDelay(), errors);
        if (initial != null && max != null && initial.compareTo(max) > 0) {
            errors.add("retry.maxDelay", "is shorter than retry.initialDelay");
        }
    }

    private static Duration duration(String field, String text, Errors errors) {
        if (text == null) {
            return null;
        }
        try {
            return DurationParser.parse(text);
        } catch (IllegalArgumentException e) {
            errors.add(field, e.getMessage());
            return null;
        }
    }

    private static void checkBatchSize(Integer batchSize, Errors errors) {
        if (batchSize != null && (batchSize < 1 || batchSize > MAX_BATCH_SIZE)) {
            errors.add("batchSize", "must be from 1 to " + MAX_BATCH_SIZE + ", not " + batchSize);
        }
    }

    private static void checkInbound(IntegrationDefinition.Inbound inbound, Errors errors) {
        if (inbound != null && inbound.maxBacklog() != null
                && (inbound.maxBacklog() < 1 || inbound.maxBacklog() > MAX_INBOUND_BACKLOG)) {
            errors.add("inbound.maxBacklog",
                    "must be from 1 to " + MAX_INBOUND_BACKLOG + " webhooks, not " + inbound.maxBacklog());
        }
    }

    /** The errors found so far; one per field, the first found, so a removed node does not report twice. */
    private static final class Errors {
        private final List<FieldError> list = new ArrayList<>();

        void add(String field, String message) {
            add(new FieldError(field, message));
        }

        void add(FieldError error) {
            boolean reported = list.stream().anyMatch(e -> e.field().equals(error.field()));
            if (!reported) {
                list.add(error);
            }
        }

        Outcome outcome(IntegrationDefinition definition) {
            return list.isEmpty() ? new Outcome(definition, List.of()) : new Outcome(null, List.copyOf(list));
        }
    }
}
