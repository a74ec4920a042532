package io.komo.sync.mapping;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;

import io.komo.sync.api.FieldError;
import io.komo.sync.contact.ContactField;
import io.komo.sync.contact.ContactPath;
import io.komo.sync.contact.ValueKind;
import io.komo.sync.filter.ContactExpression;
import io.komo.sync.filter.FilterException;
import io.komo.sync.mapping.TransformSpec.ArrayHandling;
import io.komo.sync.mapping.TransformSpec.ValueType;

/** Checks a mapping list and turns each entry into a {@link MappingRule}, collecting every problem. */
final class MappingCompiler {

    private static final String KNOWN_FIELDS = Arrays.stream(ContactField.values())
            .map(ContactField::key).collect(Collectors.joining(", ")) + " or properties.<key>";
    private static final String DEFAULT_LIST_SEPARATOR = ";";
    private static final String DEFAULT_CONCAT_SEPARATOR = " ";

    private final String defaultPhoneRegion;
    private final Clock clock;
    private final List<FieldError> errors = new ArrayList<>();
    private final Map<String, Integer> externalWriters = new HashMap<>();
    private final Map<String, Integer> komoWriters = new HashMap<>();

    MappingCompiler(String defaultPhoneRegion, Clock clock) {
        this.defaultPhoneRegion = defaultPhoneRegion;
        this.clock = clock;
    }

    List<MappingRule> compile(List<FieldMapping> mappings) throws MappingDefinitionException {
        if (mappings == null) {
            throw new MappingDefinitionException(List.of(new FieldError("mapping", "is required")));
        }
        List<MappingRule> rules = new ArrayList<>();
        for (int i = 0; i < mappings.size(); i++) {
            String at = "mapping[" + i + "]";
            MappingRule rule = compile(at, mappings.get(i));
            if (rule != null) {
                rejectDuplicateTargets(at, rule, i);
                rules.add(rule);
            }
        }
        if (!errors.isEmpty()) {
            throw new MappingDefinitionException(errors);
        }
        return rules;
    }

    private MappingRule compile(String at, FieldMapping mapping) {
        int errorsBefore = errors.size();
        if (mapping == null) {
            error(at, "is empty");
            return null;
        }
        if (mapping.external() == null || mapping.external().isBlank()) {
            error(at + ".external", "is required");
        }
        TransformSpec transform = mapping.transform();
        String transformName = transformName(at + ".transform", transform);
        boolean computed = "concat".equals(transformName) || "calculate".equals(transformName);

        ContactPath komo = null;
        if (mapping.komo() != null) {
            komo = ContactPath.parse(mapping.komo()).orElse(null);
            if (komo == null) {
                error(at + ".komo", "unknown Komo field '" + mapping.komo() + "' (use " + KNOWN_FIELDS + ")");
            }
        } else if (!computed) {
            error(at + ".komo", "is required unless the transform computes the value (concat or calculate)");
        }
        Direction direction = direction(at, mapping, transformName, computed);
        ValueKind kind = komo == null ? ValueKind.ANY : komo.kind();
        ValueConverter converter = converter(at + ".transform", transform, transformName, kind, direction);
        KomoValueSource source = source(at + ".transform", transform, transformName, komo);
        if (errors.size() > errorsBefore) {
            return null;
        }
        Object defaultValue = defaultValue(at + ".default", mapping.defaultValue(), kind, direction, converter);
        return errors.size() > errorsBefore
                ? null
                : new MappingRule(mapping.external(), komo, direction, source, converter, defaultValue);
    }

    /** The one transform that is set, or null; reports more than one. */
    private String transformName(String at, TransformSpec transform) {
        if (transform == null) {
            return null;
        }
        Map<String, Object> set = new LinkedHashMap<>();
        set.put("valueMap", transform.valueMap());
        set.put("phone", transform.phone());
        set.put("date", transform.date());
        set.put("concat", transform.concat());
        set.put("splitName", transform.splitName());
        set.put("calculate", transform.calculate());
        set.put("type", transform.type());
        set.put("array", transform.array());
        set.values().removeIf(value -> value == null);
        if (set.size() > 1) {
            error(at, "use one transform per mapping, found " + String.join(" and ", set.keySet()));
        } else if (set.isEmpty()) {
            error(at, "names no transform (use valueMap, phone, date, concat, splitName, calculate, type or array)");
        }
        String name = set.isEmpty() ? null : set.keySet().iterator().next();
        boolean takesSeparator = "concat".equals(name) || transform.type() == ValueType.MULTISELECT
                || transform.array() == ArrayHandling.JOIN;
        if (transform.separator() != null && !takesSeparator) {
            error(at + ".separator", "only applies to concat, type: multiselect and array: join");
        } else if (takesSeparator && !"concat".equals(name) && "".equals(transform.separator())) {
            error(at + ".separator", "must not be empty, or the list could not be split back");
        }
        return name;
    }

    private Direction direction(String at, FieldMapping mapping, String transformName, boolean computed) {
        Direction declared = mapping.direction();
        if ("splitName".equals(transformName)) {
            if (declared != null && declared != Direction.INBOUND) {
                error(at + ".direction", "splitName only reads a platform full name, so it is inbound");
            }
            return Direction.INBOUND;
        }
        if (computed && mapping.komo() == null) {
            if (declared != null && declared != Direction.OUTBOUND) {
                error(at + ".direction", "a computed value without a komo field can only be sent (outbound)");
            }
            return Direction.OUTBOUND;
        }
        return declared == null ? Direction.BOTH : declared;
    }

    private ValueConverter converter(String at, TransformSpec transform, String transformName, ValueKind kind,
            Direction direction) {
        if (transformName == null || "concat".equals(transformName) || "calculate".equals(transformName)) {
            return defaultConverter(kind);
        }
        return switch (transformName) {
            case "valueMap" -> valueMap(at + ".valueMap", transform.valueMap(), direction);
            case "phone" -> phone(at + ".phone", transform.phone(), kind);
            case "date" -> datePattern(at + ".date", transform.date(), kind);
            case "splitName" -> {
                requireKind(at + ".splitName", kind, EnumSet.of(ValueKind.TEXT, ValueKind.ANY), "text fields");
                yield new NameSplitConverter(transform.splitName());
            }
            case "type" -> typeConverter(at + ".type", transform, kind);
            case "array" -> arrayConverter(at + ".array", transform, kind);
            default -> throw new IllegalStateException("unhandled transform " + transformName);
        };
    }

    private static ValueConverter defaultConverter(ValueKind kind) {
        return switch (kind) {
            case WHOLE_NUMBER -> new NumberConverter();
            case TIMESTAMP -> new IsoDateTimeConverter();
            case TEXT, TEXT_LIST, ANY -> ValueConverter.IDENTITY;
        };
    }

    private ValueConverter valueMap(String at, Map<String, Object> valueMap, Direction direction) {
        if (valueMap.isEmpty()) {
            error(at, "is empty");
            return ValueConverter.IDENTITY;
        }
        Map<String, String> reverse = new HashMap<>();
        boolean complete = true;
        for (Map.Entry<String, Object> entry : valueMap.entrySet()) {
            if (entry.getValue() == null) {
                error(at + "." + entry.getKey(), "has no value");
                complete = false;
                continue;
            }
            String previous = reverse.putIfAbsent(String.valueOf(entry.getValue()), entry.getKey());
            if (previous != null && direction.isInbound()) {
                error(at, "cannot be reversed for inbound values: " + previous + " and " + entry.getKey()
                        + " both map to '" + entry.getValue()
                        + "' (make the values unique or set direction: outbound)");
            }
        }
        return complete ? new ValueMapConverter(Map.copyOf(valueMap), reverse) : ValueConverter.IDENTITY;
    }

    private ValueConverter phone(String at, String format, ValueKind kind) {
        requireKind(at, kind, EnumSet.of(ValueKind.TEXT, ValueKind.ANY), "text fields");
        try {
            return new PhoneConverter(PhoneNumberFormat.valueOf(format.trim().toUpperCase(Locale.ROOT)),
                    defaultPhoneRegion);
        } catch (IllegalArgumentException e) {
            error(at, "unknown phone format '" + format + "' (use E164, INTERNATIONAL, NATIONAL or RFC3966)");
            return ValueConverter.IDENTITY;
        }
    }

    private ValueConverter datePattern(String at, TransformSpec.DatePattern date, ValueKind kind) {
        requireKind(at, kind, EnumSet.of(ValueKind.TIMESTAMP, ValueKind.ANY), "date fields");
        ZoneId zone = ZoneOffset.UTC;
        if (date.zone() != null) {
            try {
                zone = ZoneId.of(date.zone());
            } catch (DateTimeException e) {
                error(at + ".zone", "unknown time zone '" + date.zone() + "' (use an IANA name such as Europe/London)");
            }
        }
        if (date.format() == null || date.format().isBlank()) {
            error(at + ".format", "is required");
            return ValueConverter.IDENTITY;
        }
        try {
            DateTimeFormatter formatter = DateTimeFormatter.ofPattern(date.format(), Locale.ROOT);
            // some patterns only fail when used, e.g. a week-based field the formatter cannot derive
            formatter.withZone(zone).format(Instant.EPOCH);
            return new DatePatternConverter(formatter, zone);
        } catch (IllegalArgumentException | DateTimeException e) {
            error(at + ".format", "invalid date pattern '" + date.format() + "': " + e.getMessage());
            return ValueConverter.IDENTITY;
        }
    }

    private ValueConverter typeConverter(String at, TransformSpec transform, ValueKind kind) {
        return switch (transform.type()) {
            case TEXT -> new TextConverter();
            case NUMERIC -> new NumberConverter();
            case DATETIME -> {
                requireKind(at, kind, EnumSet.of(ValueKind.TIMESTAMP, ValueKind.ANY), "date fields");
                yield new IsoDateTimeConverter();
            }
            case CHECKBOX -> new CheckboxConverter();
            case MULTISELECT -> {
                requireKind(at, kind, EnumSet.of(ValueKind.TEXT_LIST, ValueKind.ANY), "list fields");
                yield new SeparatedListConverter(listSeparator(transform));
            }
        };
    }

    private ValueConverter arrayConverter(String at, TransformSpec transform, ValueKind kind) {
        requireKind(at, kind, EnumSet.of(ValueKind.TEXT_LIST, ValueKind.ANY), "list fields");
        return switch (transform.array()) {
            case JOIN -> new SeparatedListConverter(listSeparator(transform));
            case FIRST -> new FirstElementConverter();
            case ALL -> ValueConverter.IDENTITY;
        };
    }

    private static String listSeparator(TransformSpec transform) {
        return transform.separator() == null ? DEFAULT_LIST_SEPARATOR : transform.separator();
    }

    private KomoValueSource source(String at, TransformSpec transform, String transformName, ContactPath komo) {
        if ("concat".equals(transformName)) {
            return concat(at + ".concat", transform);
        }
        if ("calculate".equals(transformName)) {
            return calculate(at + ".calculate", transform.calculate());
        }
        return komo == null ? null : record -> komo.isPresentIn(record) ? komo.get(record) : KomoValueSource.ABSENT;
    }

    private KomoValueSource concat(String at, TransformSpec transform) {
        if (transform.concat().isEmpty()) {
            error(at, "names no fields");
        }
        List<ContactPath> parts = new ArrayList<>();
        for (int j = 0; j < transform.concat().size(); j++) {
            String field = transform.concat().get(j);
            int index = j;
            ContactPath.parse(field).ifPresentOrElse(parts::add,
                    () -> error(at + "[" + index + "]",
                            "unknown Komo field '" + field + "' (use " + KNOWN_FIELDS + ")"));
        }
        String separator = transform.separator() == null ? DEFAULT_CONCAT_SEPARATOR : transform.separator();
        return new ConcatSource(parts, separator);
    }

    private KomoValueSource calculate(String at, String expression) {
        try {
            return new CalculatedSource(ContactExpression.compile(expression), clock);
        } catch (FilterException e) {
            error(at, e.getMessage());
            return null;
        }
    }

    private Object defaultValue(String at, Object defaultValue, ValueKind kind, Direction direction,
            ValueConverter converter) {
        if (defaultValue == null) {
            return null;
        }
        try {
            Object coerced = KomoValueCoercion.coerce(defaultValue, kind);
            if (direction.isOutbound()) {
                converter.toExternal(coerced);
            }
            return coerced;
        } catch (ConversionException e) {
            error(at, "unusable default: " + e.getMessage());
            return null;
        }
    }

    private void requireKind(String at, ValueKind kind, Set<ValueKind> allowed, String description) {
        if (!allowed.contains(kind)) {
            error(at, "applies to " + description + " only");
        }
    }

    /** Two mappings sending the same platform field, or writing the same Komo field, would race. */
    private void rejectDuplicateTargets(String at, MappingRule rule, int index) {
        if (rule.outbound) {
            Integer first = externalWriters.putIfAbsent(rule.external, index);
            if (first != null) {
                error(at + ".external", "'" + rule.external + "' is already sent by mapping[" + first + "]");
            }
        }
        if (rule.inbound) {
            Integer first = komoWriters.putIfAbsent(rule.komo.toString(), index);
            if (first != null) {
                error(at + ".komo", "'" + rule.komo + "' is already written by mapping[" + first + "]");
            }
        }
    }

    private void error(String field, String message) {
        errors.add(new FieldError(field, message));
    }
}
