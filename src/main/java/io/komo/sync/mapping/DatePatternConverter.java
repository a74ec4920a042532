package io.komo.sync.mapping;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.TemporalAccessor;

/** A platform date format: the instant written with a pattern in a zone, and read back the same way. */
final class DatePatternConverter implements ValueConverter {

    private final DateTimeFormatter formatter;
    private final ZoneId zone;

    DatePatternConverter(DateTimeFormatter formatter, ZoneId zone) {
        this.formatter = formatter.withZone(zone);
        this.zone = zone;
    }

    @Override
    public Object toExternal(Object komoValue) throws ConversionException {
        try {
            return formatter.format(IsoDateTimeConverter.toInstant(komoValue));
        } catch (DateTimeException e) {
            throw new ConversionException(
                    "cannot format " + ValueConverter.describe(komoValue) + ": " + e.getMessage());
        }
    }

    @Override
    public Object toKomo(Object externalValue) throws ConversionException {
        if (!(externalValue instanceof String text)) {
            return IsoDateTimeConverter.toInstant(externalValue);
        }
        try {
            // a pattern without a time of day ("dd/MM/yyyy") means midnight in the zone
            TemporalAccessor parsed = formatter.parseBest(text.trim(), ZonedDateTime::from, LocalDate::from);
            return parsed instanceof LocalDate date
                    ? date.atStartOfDay(zone).toInstant()
                    : ((ZonedDateTime) parsed).toInstant();
        } catch (DateTimeException e) {
            throw new ConversionException(ValueConverter.describe(text) + " does not match the date format");
        }
    }
}
