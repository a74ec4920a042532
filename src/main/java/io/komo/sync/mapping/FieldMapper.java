package io.komo.sync.mapping;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps contact records between Komo and one platform, field by field, in both directions. Built once per
 * integration from its checked mapping list; thread-safe. A value that cannot be converted becomes a
 * {@link MappingError} for its field and the record's other fields are still mapped.
 */
public final class FieldMapper {

    private final List<MappingRule> outboundRules;
    private final List<MappingRule> inboundRules;

    private FieldMapper(List<MappingRule> rules) {
        this.outboundRules = rules.stream().filter(rule -> rule.outbound).toList();
        this.inboundRules = rules.stream().filter(rule -> rule.inbound).toList();
    }

    /** A mapper that reads phone numbers only with their country code. */
    public static FieldMapper build(List<FieldMapping> mappings) throws MappingDefinitionException {
        return build(mappings, PhoneConverter.NO_DEFAULT_REGION, Clock.systemUTC());
    }

    /**
     * @param defaultPhoneRegion ISO 3166 region for phone numbers written without a country code, e.g. "GB"
     * @param clock              gives {@code now} to {@code calculate} expressions
     */
    public static FieldMapper build(List<FieldMapping> mappings, String defaultPhoneRegion, Clock clock)
            throws MappingDefinitionException {
        return new FieldMapper(new MappingCompiler(defaultPhoneRegion, clock).compile(mappings));
    }

    /** A Komo record (custom properties in a nested {@code properties} map) as the platform's record. */
    public MappingResult toExternal(Map<String, ?> komoRecord) {
        Map<String, Object> external = new LinkedHashMap<>();
        List<MappingError> errors = new ArrayList<>(0);
        for (MappingRule rule : outboundRules) {
            try {
                rule.writeExternal(komoRecord, external);
            } catch (ConversionException e) {
                errors.add(new MappingError(rule.external, e.getMessage()));
            }
        }
        return new MappingResult(external, errors);
    }

    /** A platform record as a Komo record, with each value in its Komo type (points Long, dates Instant, ...). */
    public MappingResult toKomo(Map<String, ?> externalRecord) {
        Map<String, Object> komo = new LinkedHashMap<>();
        List<MappingError> errors = new ArrayList<>(0);
        for (MappingRule rule : inboundRules) {
            try {
                rule.writeKomo(externalRecord, komo);
            } catch (ConversionException e) {
                errors.add(new MappingError(rule.komo.toString(), e.getMessage()));
            }
        }
        return new MappingResult(komo, errors);
    }
}
