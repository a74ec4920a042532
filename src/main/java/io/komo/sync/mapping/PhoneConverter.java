package io.komo.sync.mapping;

import com.google.i18n.phonenumbers.NumberParseException;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat;
import com.google.i18n.phonenumbers.Phonenumber.PhoneNumber;

/**
 * Phone numbers through libphonenumber: sent in the configured format, always stored in Komo as E.164.
 * Numbers without a country code are read in the default region. A number must have a possible length
 * for its country; full validity is not required, because the metadata lags behind new number ranges.
 */
final class PhoneConverter implements ValueConverter {

    /** libphonenumber's region for "none": only numbers with a country code parse. */
    static final String NO_DEFAULT_REGION = "ZZ";

    private static final PhoneNumberUtil PHONES = PhoneNumberUtil.getInstance();

    private final PhoneNumberFormat outboundFormat;
    private final String defaultRegion;

    PhoneConverter(PhoneNumberFormat outboundFormat, String defaultRegion) {
        this.outboundFormat = outboundFormat;
        this.defaultRegion = defaultRegion;
    }

    @Override
    public Object toExternal(Object komoValue) throws ConversionException {
        return PHONES.format(parse(komoValue), outboundFormat);
    }

    @Override
    public Object toKomo(Object externalValue) throws ConversionException {
        return PHONES.format(parse(externalValue), PhoneNumberFormat.E164);
    }

    private PhoneNumber parse(Object value) throws ConversionException {
        String text = String.valueOf(value);
        try {
            PhoneNumber number = PHONES.parse(text, defaultRegion);
            if (PHONES.isPossibleNumber(number)) {
                return number;
            }
        } catch (NumberParseException e) {
            // reported below, with the value
        }
        throw new ConversionException("'" + text + "' is not a phone number"
                + (NO_DEFAULT_REGION.equals(defaultRegion) ? " with a country code" : " in " + defaultRegion));
    }
}
