package io.komo.sync.storage;

/**
 * Rows in the text format of PostgreSQL's {@code COPY ... FROM STDIN}: columns separated by tabs, rows
 * ended by newlines, {@code \N} for null, and backslash, tab, newline and carriage return escaped inside
 * values, so any text a value carries reads back as it was written.
 */
public final class CopyRows {

    private final StringBuilder text = new StringBuilder();
    private boolean rowStarted;

    /** Appends one column value to the current row; null is SQL NULL. */
    public CopyRows value(Object value) {
        if (rowStarted) {
            text.append('\t');
        }
        rowStarted = true;
        if (value == null) {
            text.append("\\N");
            return this;
        }
        String s = value.toString();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\t' -> text.append("\\t");
                case '\n' -> text.append("\\n");
                case '\r' -> text.append("\\r");
                default -> text.append(c);
            }
        }
        return this;
    }

    /** Ends the current row. */
    public CopyRows endRow() {
        text.append('\n');
        rowStarted = false;
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }
}
