package io.komo.sync.connector.spi;

/** A platform field offered for mapping: its name, label and type (text, numeric, datetime, checkbox, multiselect). */
public record FieldDescriptor(String name, String label, String type, boolean required) {
}
