package io.komo.sync.runtime;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorContext;
import io.komo.sync.connector.spi.ConnectorDefaults;
import io.komo.sync.definition.IntegrationDefinition;
import io.komo.sync.definition.IntegrationStatus;
import io.komo.sync.delivery.RateLimiter;
import io.komo.sync.errors.ErrorClassifier;
import io.komo.sync.errors.RetryPolicy;
import io.komo.sync.filter.ContactFilter;
import io.komo.sync.filter.FilterException;
import io.komo.sync.mapping.FieldMapper;
import io.komo.sync.mapping.FieldMapping;
import io.komo.sync.mapping.MappingDefinitionException;
import io.komo.sync.merge.ConflictPolicy;
import io.komo.sync.merge.ConflictRule;

/**
 * An integration ready to run: its definition with everything built from it once (mapper, filter,
 * conflict policy, retry policy, error classifier with the platform's throttle signals, rate limiter, connector and
 * its credentials), and the state that
 * lives as long as it runs (rate limiter, failure state).
 *
 * <p>Conflict rules are written per Komo field in definitions; the merge runs on the platform's field
 * names (the base is what was last sent or received), so the rules are translated through the mapping.
 */
public record CompiledIntegration(IntegrationDefinition definition, IntegrationStatus status, Connector connector,
        ConnectorContext context, FieldMapper mapper, ContactFilter filter, ConflictPolicy conflictPolicy,
        RetryPolicy retryPolicy, ErrorClassifier errorClassifier, RateLimiter rateLimiter, int batchSize) {

    public String id() {
        return definition.id();
    }

    public boolean isActive() {
        return status == IntegrationStatus.ACTIVE;
    }

    /** The Komo field an external field is mapped from, or null when it is computed. */
    public String komoFieldOf(String externalField) {
        return definition.mappingOrEmpty().stream().filter(m -> externalField.equals(m.external()))
                .map(FieldMapping::komo).findFirst().orElse(null);
    }

    public static CompiledIntegration compile(IntegrationDefinition definition, IntegrationStatus status,
            Connector connector,
            ConnectorContext context, String phoneRegion, Clock clock) {
        try {
            FieldMapper mapper = FieldMapper.build(definition.mappingOrEmpty(), phoneRegion, clock);
            String expression = definition.scope() == null ? null : definition.scope().filter();
            ContactFilter filter = expression == null || expression.isBlank()
                    ? null
                    : ContactFilter.compile(expression, clock);
            ConnectorDefaults defaults = connector.defaults();
            IntegrationDefinition.RateLimit limit = definition.rateLimit();
            RateLimiter limiter = RateLimiter.of(
                    limit != null && limit.requests() != null ? limit.requests() : defaults.requestsPerWindow(),
                    limit != null && limit.perSeconds() != null ? limit.perSeconds() : defaults.windowSeconds(),
                    limit != null && limit.daily() != null
                            ? limit.daily()
                            : defaults.dailyQuota() != null ? defaults.dailyQuota() : Long.MAX_VALUE,
                    clock);
            IntegrationDefinition.Retry retry = definition.retry();
            RetryPolicy retryPolicy = RetryPolicy.of(
                    retry != null && retry.maxAttempts() != null ? retry.maxAttempts() : 8,
                    retry != null && retry.initialDelay() != null ? retry.initialDelay() : "1s",
                    retry != null && retry.maxDelay() != null ? retry.maxDelay() : "10m");
            // The validator keeps a definition's batch size within what the platform accepts.
            int batchSize = definition.batchSize() != null ? definition.batchSize() : defaults.batchSize();
            return new CompiledIntegration(definition, status, connector, context, mapper, filter,
                    conflictPolicy(definition), retryPolicy,
                    new ErrorClassifier(connector.throttleSignals(), ErrorClassifier.DEFAULT_THROTTLE_WAIT, clock),
                    limiter,
                    batchSize);
        } catch (MappingDefinitionException | FilterException e) {
            throw new IllegalStateException("Integration " + definition.id() + " was stored with an invalid definition",
                    e);
        }
    }

    private static ConflictPolicy conflictPolicy(IntegrationDefinition definition) {
        IntegrationDefinition.Conflicts conflicts = definition.conflicts();
        ConflictRule defaultRule = conflicts != null && conflicts.defaultRule() != null
                ? conflicts.defaultRule()
                : ConflictRule.TWO_WAY;
        Map<String, ConflictRule> byExternalField = new HashMap<>();
        for (FieldMapping mapping : definition.mappingOrEmpty()) {
            ConflictRule rule = definition.conflictRuleOf(mapping);
            if (rule != null && mapping.external() != null) {
                byExternalField.put(mapping.external(), rule);
            }
        }
        return new ConflictPolicy(defaultRule, byExternalField, definition.sourceOfTruthOrDefault());
    }
}
