package io.komo.sync.integration;

import io.komo.sync.definition.DefinitionValidator;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;

import io.komo.sync.connector.webhook.WebhookConnector;
import org.junit.jupiter.api.Test;

/** The sample definitions users copy must stay valid as the definition format changes. */
class ExampleDefinitionsTest {

    @Test
    void everyExampleDefinitionIsValid() throws IOException {
        DefinitionValidator validator = new DefinitionValidator(Set.of(WebhookConnector.PLATFORM), "US", Clock.systemUTC());
        List<Path> examples;
        try (Stream<Path> files = Files.list(Path.of("config/examples"))) {
            examples = files.filter(f -> f.toString().endsWith(".yaml")).toList();
        }
        assertThat(examples).isNotEmpty();
        for (Path example : examples) {
            DefinitionValidator.Outcome outcome = validator.validate(new YAMLMapper().readTree(example.toFile()), null);
            assertThat(outcome.errors()).as(example.toString()).isEmpty();
        }
    }
}
