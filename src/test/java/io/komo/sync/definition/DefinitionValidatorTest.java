package io.komo.sync.definition;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import org.junit.jupiter.api.Test;

import io.komo.sync.api.FieldError;
import io.komo.sync.connector.spi.AuthType;
import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorOption;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.connector.webhook.WebhookConnector;
import io.komo.sync.merge.ConflictRule;
import io.komo.sync.merge.Side;

/** Every kind of mistake an integration author makes, each named at its path, all in one answer. */
class DefinitionValidatorTest {

    private static final ObjectMapper YAML = new YAMLMapper();
    /** A platform that authenticates with OAuth only and declares one option of each type. */
    private static final Connector HUBSPOT = stub("hubspot", EnumSet.of(AuthType.OAUTH2),
            ConnectorOption.text("portal", "The HubSpot account id.").asRequired(),
            ConnectorOption.integer("pageSize", "Records per read.").withDefault(100),
            ConnectorOption.bool("archiveOnDelete", "Archive instead of deleting."),
            ConnectorOption.duration("overlap", "How far back each read starts.").withDefault("5m"),
            ConnectorOption.url("tokenUrl", "Where OAuth tokens are refreshed."),
            ConnectorOption.oneOf("region", "Where the account is hosted.", "na1", "eu1"));

    private final DefinitionValidator validator = new DefinitionValidator(
            ConnectorRegistry.of(HUBSPOT, new WebhookConnector()), "US", Clock.systemUTC());

    /** A connector that declares what the validator reads and does nothing else. */
    private static Connector stub(String platform, Set<AuthType> authTypes, ConnectorOption... options) {
        return (Connector) Proxy.newProxyInstance(Connector.class.getClassLoader(), new Class<?>[]{Connector.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "platform" -> platform;
                    case "authTypes" -> authTypes;
                    case "options" -> List.of(options);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static JsonNode yaml(String text) throws Exception {
        return YAML.readTree(text);
    }

    private List<FieldError> errors(String definition, String outerId) throws Exception {
        DefinitionValidator.Outcome outcome = validator.validate(yaml(definition), outerId);
        assertThat(outcome.valid()).as("expected the definition to be refused").isFalse();
        assertThat(outcome.definition()).isNull();
        return outcome.errors();
    }

    private static List<String> fields(List<FieldError> errors) {
        return errors.stream().map(FieldError::field).toList();
    }

    private static String messageOf(List<FieldError> errors, String field) {
        return errors.stream().filter(e -> e.field().equals(field)).map(FieldError::message).findFirst()
                .orElseThrow(() -> new AssertionError("no error for " + field + " in " + errors));
    }

    @Test
    void theApiExampleWithoutItsUnmappedConflictFieldIsValidAndTyped() throws Exception {
        DefinitionValidator.Outcome outcome = validator.validate(
                yaml("""
                        id: hubspot-main
                        platform: hubspot
                        name: HubSpot production portal
                        direction: bidirectional
                        sourceOfTruth: komo
                        mode: upsert
                        onDelete: archive
                        trigger: { realtime: true, schedule: "0 0 * * * ?", timezone: Europe/London }
                        endpoint: { baseUrl: "https://api.hubapi.com" }
                        auth: { type: oauth2, credential: hubspot-main }
                        options: { portal: "4711", pageSize: 50, archiveOnDelete: true, overlap: 10m, region: eu1 }
                        scope: { filter: "tier in ['GOLD','PLATINUM'] and 'newsletter' in lists" }
                        mapping:
                          - { komo: email,     external: email }
                          - { komo: firstName, external: firstname }
                          - { komo: tier,      external: komo_tier, transform: { valueMap: { GOLD: Gold, PLATINUM: Platinum } } }
                          - { komo: phone,     external: phone, transform: { phone: E164 } }
                        conflicts: { default: two-way, fields: { email: manual } }
                        dedup: { key: email, merge: newest-wins }
                        rateLimit: { requests: 190, perSeconds: 10, daily: 650000 }
                        retry: { maxAttempts: 8, initialDelay: 1s, maxDelay: 10m }
                        batchSize: 100
                        """),
                null);

        assertThat(outcome.errors()).isEmpty();
        IntegrationDefinition definition = outcome.definition();
        assertThat(definition.direction()).isEqualTo(IntegrationDefinition.Direction.BIDIRECTIONAL);
        assertThat(definition.sourceOfTruth()).isEqualTo(Side.KOMO);
        assertThat(definition.onDelete()).isEqualTo(IntegrationDefinition.DeletePolicy.ARCHIVE);
        assertThat(definition.conflicts().defaultRule()).isEqualTo(ConflictRule.TWO_WAY);
        assertThat(definition.conflicts().fields()).containsEntry("email", ConflictRule.MANUAL);
        assertThat(definition.mapping()).hasSize(4);
    }

    @Test
    void theIdComesFromThePathOrFileWhenTheBodyHasNone() throws Exception {
        DefinitionValidator.Outcome outcome = validator.validate(yaml("platform: webhook"), "from-the-path");
        assertThat(outcome.errors()).isEmpty();
        assertThat(outcome.definition().id()).isEqualTo("from-the-path");

        assertThat(messageOf(errors("{id: other, platform: webhook}", "from-the-path"), "id"))
                .contains("'other'").contains("from-the-path");
    }

    @Test
    void missingIdAndPlatformAndABadIdAreNamed() throws Exception {
        assertThat(fields(errors("name: nothing else", null))).containsExactlyInAnyOrder("id", "platform");
        assertThat(messageOf(errors("{id: Bad_Id, platform: webhook}", null), "id")).contains("lower-case");
        assertThat(messageOf(errors("{id: x, platform: webhook}", null), "id")).contains("2 to 63");
    }

    @Test
    void anUnknownPlatformListsTheAvailableOnes() throws Exception {
        assertThat(messageOf(errors("{id: a-b, platform: hubspt}", null), "platform"))
                .isEqualTo("unknown platform 'hubspt'; available: hubspot, webhook");
    }

    @Test
    void optionsAreCheckedAgainstWhatThePlatformDeclares() throws Exception {
        List<FieldError> errors = errors("""
                id: options-test
                platform: hubspot
                auth: { type: oauth2 }
                options: { pageSize: "fifty", archiveOnDelete: "yes", overlap: 5 minutes, tokenUrl: "/token",
                           region: us1, portl: "4711" }
                """, null);

        assertThat(fields(errors)).containsExactlyInAnyOrder("options.portal", "options.pageSize",
                "options.archiveOnDelete", "options.overlap", "options.tokenUrl", "options.region", "options.portl");
        assertThat(messageOf(errors, "options.portal")).isEqualTo("is required: The HubSpot account id.");
        assertThat(messageOf(errors, "options.pageSize")).isEqualTo("expected a whole number, not 'fifty'");
        assertThat(messageOf(errors, "options.archiveOnDelete")).isEqualTo("expected true or false, not 'yes'");
        assertThat(messageOf(errors, "options.overlap")).contains("duration").contains("'5 minutes'");
        assertThat(messageOf(errors, "options.tokenUrl")).contains("absolute http or https URL");
        assertThat(messageOf(errors, "options.region")).isEqualTo("expected one of na1, eu1, not 'us1'");
        assertThat(messageOf(errors, "options.portl")).startsWith("unknown option 'portl' of the hubspot platform")
                .endsWith("allowed: portal, pageSize, archiveOnDelete, overlap, tokenUrl, region");
    }

    @Test
    void theWebhookPlatformDeclaresItsPayloadMembers() throws Exception {
        assertThat(validator.validate(yaml(
                "{id: hooks, platform: webhook, options: {idField: uid, changedAtField: modified, deletedField: gone}}"),
                null)
                .errors()).isEmpty();
        List<FieldError> errors = errors("{id: hooks, platform: webhook, options: {idField: 7, secret: x}}", null);
        assertThat(messageOf(errors, "options.idField")).isEqualTo("expected a non-empty text, not 7");
        assertThat(messageOf(errors, "options.secret"))
                .isEqualTo(
                        "unknown option 'secret' of the webhook platform; allowed: idField, changedAtField, deletedField");
    }

    @Test
    void theAuthTypeMustBeOneThePlatformTakes() throws Exception {
        for (String type : List.of("none", "bearer", "basic", "api-key", "headers")) {
            assertThat(validator.validate(yaml("{id: hooks, platform: webhook, auth: {type: " + type + "}}"), null)
                    .errors())
                    .as(type).isEmpty();
        }
        assertThat(messageOf(errors("{id: hooks, platform: webhook, auth: {type: oauth2}}", null), "auth.type"))
                .isEqualTo(
                        "the webhook platform does not take 'oauth2'; allowed: api-key, basic, bearer, headers, none");
        assertThat(messageOf(errors("{id: hub, platform: hubspot, options: {portal: '1'}}", null), "auth.type"))
                .isEqualTo("is required by the hubspot platform; allowed: oauth2");
        assertThat(messageOf(errors("{id: hub, platform: hubspot, auth: {type: magic}, options: {portal: '1'}}", null),
                "auth.type")).isEqualTo("unknown value 'magic'; allowed: oauth2");
    }

    @Test
    void unknownKeysAreNamedWhereverTheyAreAndAllAtOnce() throws Exception {
        List<FieldError> errors = errors("""
                id: typo-test
                platform: webhook
                plattform: webhook
                trigger: { realtime: true, timezon: UTC }
                mapping:
                  - { komo: email, extrenal: email }
                """, null);

        assertThat(fields(errors)).contains("plattform", "trigger.timezon", "mapping[0].extrenal");
        assertThat(messageOf(errors, "trigger.timezon")).startsWith("unknown key 'timezon'").contains("timezone");
    }

    @Test
    void badEnumValuesListTheAllowedOnes() throws Exception {
        List<FieldError> errors = errors("""
                id: enum-test
                platform: webhook
                direction: sideways
                mode: sometimes
                onDelete: shred
                sourceOfTruth: nobody
                conflicts: { default: coin-toss, fields: { email: loudest } }
                dedup: { key: fax, merge: oldest-wins }
                mapping: [ { komo: email, external: email, direction: up } ]
                """, null);

        assertThat(messageOf(errors, "direction")).contains("'sideways'").contains("outbound, inbound, bidirectional");
        assertThat(messageOf(errors, "mode")).contains("'sometimes'")
                .contains("upsert, update-only, create-only, mirror");
        assertThat(messageOf(errors, "onDelete")).contains("'shred'").contains("ignore, delete, archive");
        assertThat(messageOf(errors, "sourceOfTruth")).contains("'nobody'").contains("komo, external");
        assertThat(messageOf(errors, "conflicts.default")).contains("'coin-toss'").contains("two-way");
        assertThat(messageOf(errors, "conflicts.fields.email")).contains("'loudest'").contains("manual");
        assertThat(messageOf(errors, "mapping[0].direction")).contains("'up'").contains("both");
        assertThat(messageOf(errors, "dedup.key")).contains("'fax'").contains("email, phone, external-id");
        assertThat(messageOf(errors, "dedup.merge")).contains("'oldest-wins'").contains("fill-blanks");
    }

    @Test
    void aBadCronAndAnUnknownTimeZoneAreNamed() throws Exception {
        List<FieldError> errors = errors("""
                id: trigger-test
                platform: webhook
                trigger: { schedule: "0 0 * * *", timezone: Mars/Olympus }
                """, null);

        assertThat(messageOf(errors, "trigger.schedule")).contains("Quartz cron");
        assertThat(messageOf(errors, "trigger.timezone")).contains("unknown time zone 'Mars/Olympus'");
    }

    @Test
    void mappingProblemsKeepTheirPathsAndUnknownKomoFieldsAreNamed() throws Exception {
        List<FieldError> errors = errors("""
                id: mapping-test
                platform: webhook
                mapping:
                  - { komo: email, external: email }
                  - { komo: shoeSize, external: shoe_size }
                  - { komo: phone }
                """, null);

        assertThat(messageOf(errors, "mapping[1].komo")).contains("unknown Komo field 'shoeSize'");
        assertThat(messageOf(errors, "mapping[2].external")).isEqualTo("is required");
    }

    @Test
    void aBadScopeFilterIsNamedWithItsPosition() throws Exception {
        assertThat(messageOf(errors("{id: scope-test, platform: webhook, scope: {filter: \"tier in ['GOLD'\"}}", null),
                "scope.filter")).contains("line 1, column");
    }

    @Test
    void conflictRulesNameAFieldByEitherSideAndMayNameOneNotMappedYet() throws Exception {
        // API.md's own example sets a rule for lifecycleStage, which its mapping does not map.
        String yaml = """
                id: conflict-test
                platform: webhook
                mapping: [ { komo: email, external: email }, { komo: tier, external: komo_tier } ]
                conflicts: { fields: { email: manual, komo_tier: prefer-komo, lifecycleStage: prefer-external } }
                """;
        DefinitionValidator.Outcome outcome = validator.validate(yaml(yaml), null);
        assertThat(outcome.errors()).isEmpty();

        IntegrationDefinition definition = outcome.definition();
        assertThat(definition.conflictRulesForUnmappedFields()).containsExactly("lifecycleStage");
        assertThat(definition.conflictRuleOf(definition.mapping().get(1))).isEqualTo(ConflictRule.PREFER_KOMO);
        assertThat(definition.conflictRuleOf(definition.mapping().get(0))).isEqualTo(ConflictRule.MANUAL);
    }

    @Test
    void numbersDurationsAndTheEndpointAreChecked() throws Exception {
        List<FieldError> errors = errors("""
                id: limits-test
                platform: webhook
                endpoint: { baseUrl: "ftp://files.example.com" }
                auth: { type: magic }
                rateLimit: { requests: 0, perSeconds: -1, daily: 0 }
                retry: { maxAttempts: 0, initialDelay: soon, maxDelay: 10m }
                batchSize: 10001
                """, null);

        assertThat(fields(errors)).containsExactlyInAnyOrder("endpoint.baseUrl", "auth.type", "rateLimit.requests",
                "rateLimit.perSeconds", "rateLimit.daily", "retry.maxAttempts", "retry.initialDelay", "batchSize");
        assertThat(messageOf(errors, "retry.initialDelay")).contains("'soon'");
        assertThat(messageOf(errors, "batchSize")).contains("1 to 10000");
        assertThat(messageOf(errors("{id: url-test, platform: webhook, endpoint: {baseUrl: /relative}}", null),
                "endpoint.baseUrl")).contains("absolute");
    }

    @Test
    void anInboundBacklogBoundIsAWholeNumberFromOneToTenMillion() throws Exception {
        DefinitionValidator.Outcome set = validator.validate(
                yaml("{id: backlog-test, platform: webhook, inbound: {maxBacklog: 2000}}"), null);
        assertThat(set.errors()).isEmpty();
        assertThat(set.definition().inbound().maxBacklog()).isEqualTo(2000L);

        assertThat(messageOf(errors("{id: backlog-test, platform: webhook, inbound: {maxBacklog: 0}}", null),
                "inbound.maxBacklog")).isEqualTo("must be from 1 to 10000000 webhooks, not 0");
        assertThat(messageOf(errors("{id: backlog-test, platform: webhook, inbound: {maxBacklog: 10000001}}", null),
                "inbound.maxBacklog")).contains("1 to 10000000");
        assertThat(messageOf(errors("{id: backlog-test, platform: webhook, inbound: {maxBacklog: lots}}", null),
                "inbound.maxBacklog")).contains("a number").contains("lots");
        assertThat(messageOf(errors("{id: backlog-test, platform: webhook, inbound: {maxQueue: 5}}", null),
                "inbound.maxQueue")).contains("unknown key").contains("maxBacklog");
    }

    /** README (custom endpoint) and API.md (definition) document these; each must pass, bearer included. */
    @Test
    void everyAuthTypeTheWebhookPlatformDocumentsIsAccepted() throws Exception {
        for (String type : List.of("bearer", "basic", "api-key", "headers", "none")) {
            DefinitionValidator.Outcome outcome = validator.validate(yaml("""
                    id: auth-test
                    platform: webhook
                    endpoint: { baseUrl: "https://hooks.example.com" }
                    auth: { type: %s, credential: auth-test }
                    """.formatted(type)), null);
            assertThat(outcome.errors()).as("auth.type " + type).isEmpty();
        }
        assertThat(messageOf(errors("{id: auth-test, platform: webhook, auth: {type: oauth2}}", null), "auth.type"))
                .as("it cannot send oauth2: refused when saved, not on every call")
                .isEqualTo(
                        "the webhook platform does not take 'oauth2'; allowed: api-key, basic, bearer, headers, none");
    }

    @Test
    void aWrongTypeIsNamedWithoutHidingTheOtherProblems() throws Exception {
        List<FieldError> errors = errors("""
                id: type-test
                platform: nowhere
                batchSize: many
                trigger: "every hour"
                """, null);

        assertThat(fields(errors)).containsExactlyInAnyOrder("batchSize", "trigger", "platform");
        assertThat(messageOf(errors, "batchSize")).contains("a number").contains("many");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedAsAWhole() throws Exception {
        assertThat(validator.validate(yaml("[1, 2]"), null).errors()).extracting(FieldError::message)
                .containsExactly("the definition must be an object, not array");
        assertThat(validator.validate(null, "x-y").valid()).isFalse();
    }
}
