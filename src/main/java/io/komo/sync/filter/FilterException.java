package io.komo.sync.filter;

/** An expression (a scope filter or a {@code calculate} transform) that does not compile. */
public final class FilterException extends Exception {

    private final String expression;
    private final int line;
    private final int column;
    private final String reason;

    FilterException(String expression, int line, int column, String reason) {
        super("invalid expression at line " + line + ", column " + column + ": " + reason);
        this.expression = expression;
        this.line = line;
        this.column = column;
        this.reason = reason;
    }

    public String expression() {
        return expression;
    }

    /** 1-based line of the first problem in the user's text. */
    public int line() {
        return line;
    }

    /** 1-based column of the first problem in the user's text. */
    public int column() {
        return column;
    }

    /** The problem without its position, for a caller that reports the position its own way. */
    public String reason() {
        return reason;
    }
}
