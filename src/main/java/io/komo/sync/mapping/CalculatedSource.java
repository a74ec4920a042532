package io.komo.sync.mapping;

import java.time.Clock;
import java.util.Map;

import io.komo.sync.filter.ContactExpression;
import io.komo.sync.filter.ExpressionEvaluationException;

/** Calculation: a CEL expression over the contact; a contact lacking one of its inputs has no value. */
final class CalculatedSource implements KomoValueSource {

    private final ContactExpression expression;
    private final Clock clock;

    CalculatedSource(ContactExpression expression, Clock clock) {
        this.expression = expression;
        this.clock = clock;
    }

    @Override
    public Object read(Map<String, ?> komoRecord) throws ConversionException {
        try {
            return expression.evaluate(komoRecord, clock.instant()).orElse(ABSENT);
        } catch (ExpressionEvaluationException e) {
            throw new ConversionException(e.getMessage());
        }
    }
}
