package io.komo.sync.filter;

import java.time.Duration;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.parser.CelStandardMacro;
import dev.cel.runtime.CelFunctionBinding;

import io.komo.sync.contact.ContactField;
import io.komo.sync.contact.ValueKind;

/**
 * The one CEL environment for filters and calculations: every contact field as a typed variable, the custom
 * properties as {@code properties}, the evaluation time as {@code now}, {@code days(n)}, and arithmetic that
 * mixes whole and decimal numbers ({@code points * 1.5}), which plain CEL refuses.
 *
 * <p>CEL is why user expressions are safe to run: it has no I/O, no access to Java objects beyond the values
 * handed in, and no unbounded loops (comprehensions are capped below), so an expression always terminates.
 */
final class ContactExpressionEnvironment {

    static final String NOW = "now";

    static final Cel CEL = build();

    private ContactExpressionEnvironment() {
    }

    private static Cel build() {
        var builder = CelFactory.standardCelBuilder()
                .setOptions(CelOptions.current()
                        .evaluateCanonicalTypesToNativeValues(true)
                        .enableHeterogeneousNumericComparisons(true)
                        .comprehensionMaxIterations(10_000)
                        .maxExpressionCodePointSize(4_000)
                        .build())
                .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
                .addVar(ContactField.PROPERTIES, MapType.create(SimpleType.STRING, SimpleType.DYN))
                .addVar(NOW, SimpleType.TIMESTAMP)
                .addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration("days",
                        CelOverloadDecl.newGlobalOverload("days_int64", SimpleType.DURATION, SimpleType.INT)))
                .addFunctionBindings(CelFunctionBinding.from("days_int64", Long.class, Duration::ofDays));
        for (ContactField field : ContactField.values()) {
            builder.addVar(field.key(), celType(field.kind()));
        }
        for (MixedArithmetic op : MixedArithmetic.values()) {
            builder.addFunctionDeclarations(CelFunctionDecl.newFunctionDeclaration(op.celFunction,
                    CelOverloadDecl.newGlobalOverload(op.name() + "_int64_double", SimpleType.DOUBLE, SimpleType.INT,
                            SimpleType.DOUBLE),
                    CelOverloadDecl.newGlobalOverload(op.name() + "_double_int64", SimpleType.DOUBLE,
                            SimpleType.DOUBLE, SimpleType.INT)));
            builder.addFunctionBindings(
                    CelFunctionBinding.from(op.name() + "_int64_double", Long.class, Double.class,
                            (a, b) -> op.apply(a, b)),
                    CelFunctionBinding.from(op.name() + "_double_int64", Double.class, Long.class,
                            (a, b) -> op.apply(a, b)));
        }
        return builder.build();
    }

    private static CelType celType(ValueKind kind) {
        return switch (kind) {
            case TEXT -> SimpleType.STRING;
            case WHOLE_NUMBER -> SimpleType.INT;
            case TIMESTAMP -> SimpleType.TIMESTAMP;
            case TEXT_LIST -> ListType.create(SimpleType.STRING);
            case ANY -> SimpleType.DYN;
        };
    }

    private enum MixedArithmetic {
        ADD("_+_"), SUBTRACT("_-_"), MULTIPLY("_*_"), DIVIDE("_/_");

        final String celFunction;

        MixedArithmetic(String celFunction) {
            this.celFunction = celFunction;
        }

        double apply(Number a, Number b) {
            double x = a.doubleValue();
            double y = b.doubleValue();
            return switch (this) {
                case ADD -> x + y;
                case SUBTRACT -> x - y;
                case MULTIPLY -> x * y;
                case DIVIDE -> x / y;
            };
        }
    }
}
