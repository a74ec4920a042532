package io.komo.sync.filter;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelErrorCode;
import dev.cel.common.CelIssue;
import dev.cel.common.CelSourceLocation;
import dev.cel.common.CelValidationException;
import dev.cel.common.types.CelType;
import dev.cel.common.types.SimpleType;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelUnknownSet;

/**
 * A user expression over one contact record, compiled once and evaluated per record. Thread-safe.
 *
 * <p>Variables: {@code email}, {@code firstName}, {@code lastName}, {@code phone}, {@code tier},
 * {@code subscriptionStatus} (string), {@code points} (int), {@code lists} (list of string),
 * {@code lastActivityAt}, {@code createdAt}, {@code updatedAt} (timestamp), {@code properties} (map),
 * {@code now} (the evaluation time). Functions: CEL's standard library plus {@code days(n)}.
 */
public final class ContactExpression {

    private final String source;
    private final CelRuntime.Program program;
    private final CelType resultType;

    private ContactExpression(String source, CelRuntime.Program program, CelType resultType) {
        this.source = source;
        this.program = program;
        this.resultType = resultType;
    }

    /**
     * Parses and type-checks {@code source}; {@code and}, {@code or}, {@code not} are accepted for
     * {@code &&}, {@code ||}, {@code !}.
     */
    public static ContactExpression compile(String source) throws FilterException {
        if (source == null || source.isBlank()) {
            throw new FilterException(String.valueOf(source), 1, 1, "the expression is empty");
        }
        try {
            CelAbstractSyntaxTree ast = ContactExpressionEnvironment.CEL.compile(OperatorAliases.rewrite(source))
                    .getAst();
            return new ContactExpression(source, ContactExpressionEnvironment.CEL.createProgram(ast),
                    ast.getResultType());
        } catch (CelValidationException e) {
            CelIssue first = e.getErrors().get(0);
            CelSourceLocation location = first.getSourceLocation();
            boolean located = !location.equals(CelSourceLocation.NONE);
            throw new FilterException(source, located ? location.getLine() : 1,
                    located ? location.getColumn() + 1 : 1, first.getMessage());
        } catch (dev.cel.common.CelException e) {
            throw new FilterException(source, 1, 1, e.getMessage());
        }
    }

    public String source() {
        return source;
    }

    /** The type the checker inferred: {@code bool}, {@code int}, {@code double}, ... or {@code dyn}. */
    CelType resultType() {
        return resultType;
    }

    boolean mayReturn(CelType type) {
        return resultType.equals(type) || resultType.equals(SimpleType.DYN);
    }

    /**
     * Evaluates against a record (Komo keys, custom properties in a nested {@code properties} map).
     *
     * @return the value, or empty when the expression needs a value the record does not have
     *         (an absent or null field, a missing property)
     * @throws ExpressionEvaluationException for any other failure, e.g. a division by zero
     */
    public Optional<Object> evaluate(Map<String, ?> record, Instant now) throws ExpressionEvaluationException {
        try {
            Object result = program.eval(name -> ContactExpressionEnvironment.NOW.equals(name)
                    ? Optional.of(now)
                    : Optional.ofNullable(record.get(name)).map(CelValues::canonical));
            // CEL reports a variable the resolver does not have as "unknown" rather than as an error
            return result instanceof CelUnknownSet ? Optional.empty() : Optional.of(result);
        } catch (CelEvaluationException e) {
            if (e.getErrorCode() == CelErrorCode.ATTRIBUTE_NOT_FOUND) {
                return Optional.empty();
            }
            throw new ExpressionEvaluationException("'" + source + "' failed: " + e.getMessage(), e);
        }
    }
}
