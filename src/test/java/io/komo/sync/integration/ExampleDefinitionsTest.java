package io.komo.sync.integration;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import io.komo.sync.connector.spi.Connector;
import io.komo.sync.connector.spi.ConnectorRegistry;
import io.komo.sync.definition.DefinitionValidator;

/**
 * The sample definitions users copy must stay valid as the definition format and the connectors' options change:
 * each is checked against its platform's connector, as the application validates it. Every connector under
 * {@code connector/} has one: those of the application in {@code config/examples/}, those that exist only in the
 * tests (the connector kit's second platform) in {@code src/test/resources/examples/}.
 */
@QuarkusTest
class ExampleDefinitionsTest {

    private static final List<Path> EXAMPLE_DIRECTORIES = List.of(Path.of("config/examples"),
            Path.of("src/test/resources/examples"));
    private static final String CONNECTOR_PACKAGES = "io.komo.sync.connector.";

    @Inject
    IntegrationService integrations;

    @Inject
    ConnectorRegistry connectors;

    @Test
    void everyExampleDefinitionIsValidForItsPlatform() throws IOException {
        DefinitionValidator validator = integrations.validator();
        List<Path> examples = examples();
        assertThat(examples).isNotEmpty();
        Set<String> platformsWithExamples = new TreeSet<>();
        for (Path example : examples) {
            JsonNode definition = new YAMLMapper().readTree(example.toFile());
            assertThat(validator.validate(definition, null).errors()).as(example.toString()).isEmpty();
            platformsWithExamples.add(definition.path("platform").asText());
        }
        List<String> connectorPlatforms = connectors.platforms().stream()
                .filter(platform -> connectors.find(platform).map(Connector::getClass).map(Class::getName)
                        .filter(name -> name.startsWith(CONNECTOR_PACKAGES)).isPresent())
                .toList();
        assertThat(connectorPlatforms).as("connectors under connector/").contains("webhook");
        assertThat(platformsWithExamples).as("every connector has an example").containsAll(connectorPlatforms);
    }

    private static List<Path> examples() throws IOException {
        List<Path> examples = new ArrayList<>();
        for (Path directory : EXAMPLE_DIRECTORIES) {
            try (Stream<Path> files = Files.list(directory)) {
                files.filter(f -> f.toString().endsWith(".yaml")).sorted().forEach(examples::add);
            }
        }
        return examples;
    }
}
