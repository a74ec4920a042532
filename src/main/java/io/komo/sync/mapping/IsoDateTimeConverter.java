package io.komo.sync.mapping;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.regex.Pattern;

/**
 * Date → DateTime: ISO-8601 in UTC out ({@code 2025-06-01T12:00:00Z}); in, ISO-8601 with an offset or zone,
 * a date alone (midnight UTC), or epoch milliseconds as a number or digits.
 */
final class IsoDateTimeConverter implements ValueConverter {

    private static final Pattern EPOCH_MILLIS = Pattern.compile("-?\\d{1,19}");

    @Override
    public Object toExternal(Object komoValue) throws ConversionException {
        return DateTimeFormatter.ISO_INSTANT.format(toInstant(komoValue));
    }

    @Override
    public Object toKomo(Object externalValue) throws ConversionException {
        return toInstant(externalValue);
    }

    static Instant toInstant(Object value) throws ConversionException {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offsetDateTime) {
            return offsetDateTime.toInstant();
        }
        if (value instanceof ZonedDateTime zonedDateTime) {
            return zonedDateTime.toInstant();
        }
        if (value instanceof Long || value instanceof Integer) {
            return Instant.ofEpochMilli(((Number) value).longValue());
        }
        if (value instanceof String text) {
            return parse(text.trim());
        }
        throw new ConversionException(ValueConverter.describe(value) + " is not a date-time");
    }

    private static Instant parse(String text) throws ConversionException {
        try {
            if (EPOCH_MILLIS.matcher(text).matches()) {
                return Instant.ofEpochMilli(Long.parseLong(text));
            }
            if (text.length() == 10) {
                return LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant();
            }
            return DateTimeFormatter.ISO_DATE_TIME.parse(text, Instant::from);
        } catch (DateTimeException | NumberFormatException e) {
            throw new ConversionException("'" + text + "' is not an ISO-8601 date-time with a zone or epoch millis");
        }
    }
}
