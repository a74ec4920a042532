package io.komo.sync.filter;

import java.time.Clock;
import java.util.Map;

import dev.cel.common.types.SimpleType;

/**
 * The scope filter of an integration (conditional sync): which contacts it syncs.
 *
 * <p>Missing values: a comparison that needs a field the record does not have (absent, null, or a property
 * that is not set) makes the filter false, including under {@code not}. CEL's {@code ||} and {@code &&} still
 * decide when the other side settles the answer, so {@code tier == 'GOLD' or properties.vip == true} matches
 * a gold contact without a {@code vip} property. Test presence with {@code has(properties.vip)}.
 */
public final class ContactFilter {

    private final ContactExpression expression;
    private final Clock clock;

    private ContactFilter(ContactExpression expression, Clock clock) {
        this.expression = expression;
        this.clock = clock;
    }

    public static ContactFilter compile(String expression) throws FilterException {
        return compile(expression, Clock.systemUTC());
    }

    /** @param clock gives {@code now} to activity filters such as {@code lastActivityAt > now - days(30)} */
    public static ContactFilter compile(String expression, Clock clock) throws FilterException {
        ContactExpression compiled = ContactExpression.compile(expression);
        if (!compiled.mayReturn(SimpleType.BOOL)) {
            throw new FilterException(expression, 1, 1,
                    "a filter must be true or false, but this expression gives " + compiled.resultType().name());
        }
        return new ContactFilter(compiled, clock);
    }

    public String expression() {
        return expression.source();
    }

    /** Whether the contact is in scope; never throws for a record's content (see the class comment). */
    public boolean matches(Map<String, ?> record) {
        try {
            return expression.evaluate(record, clock.instant()).map(Boolean.TRUE::equals).orElse(false);
        } catch (ExpressionEvaluationException e) {
            return false;
        }
    }
}
