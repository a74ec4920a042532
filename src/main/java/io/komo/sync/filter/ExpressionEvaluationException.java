package io.komo.sync.filter;

/** A compiled expression that failed on one record, e.g. a division by zero or an overflow. */
public final class ExpressionEvaluationException extends Exception {

    ExpressionEvaluationException(String message, Throwable cause) {
        super(message, cause);
    }
}
