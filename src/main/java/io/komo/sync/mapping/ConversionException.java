package io.komo.sync.mapping;

/** One value that cannot be converted; becomes a {@link MappingError}, never escapes the mapper. */
final class ConversionException extends Exception {

    ConversionException(String message) {
        super(message, null, false, false);
    }
}
