package io.komo.sync.connector.spi;

/**
 * How a record leaves the platform when its Komo contact was deleted (the integration's {@code onDelete}):
 * removed for good, or archived where the platform keeps records out of use without removing them.
 */
public enum DeleteKind {
    DELETE, ARCHIVE
}
