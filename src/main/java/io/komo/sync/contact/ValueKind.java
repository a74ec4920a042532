package io.komo.sync.contact;

/** The shape of a Komo contact value, which decides its default conversion and its type in expressions. */
public enum ValueKind {
    /** {@link String}. */
    TEXT,
    /** {@link Long}. */
    WHOLE_NUMBER,
    /** {@link java.time.Instant}. */
    TIMESTAMP,
    /** {@code List<String>}. */
    TEXT_LIST,
    /** A custom property: whatever JSON allows. */
    ANY
}
