package io.komo.sync.integration;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import io.komo.sync.api.FieldError;

/**
 * Applies {@code <komo.integrations.dir>/*.yaml} at start-up (README § Where things live). A file that
 * cannot be used is skipped so the service still starts; its problems are logged and listed as
 * {@code loadErrors} of {@code GET /api/integrations} until the next start.
 */
@ApplicationScoped
public class DefinitionLoader {

    private static final Logger LOG = Logger.getLogger(DefinitionLoader.class);
    private static final String SUFFIX = ".yaml";
    private static final ObjectMapper YAML = new YAMLMapper();

    /** A definition file that was skipped, and why. */
    public record LoadError(String file, List<FieldError> errors) {
    }

    @Inject
    IntegrationService integrations;

    @ConfigProperty(name = "komo.integrations.dir")
    String directory;

    private volatile List<LoadError> loadErrors = List.of();

    void onStart(@Observes StartupEvent start) {
        loadErrors = load(Path.of(directory));
    }

    public List<LoadError> loadErrors() {
        return loadErrors;
    }

    /** Applies every definition file of {@code dir} in name order; a missing directory holds none. */
    List<LoadError> load(Path dir) {
        if (!Files.isDirectory(dir)) {
            LOG.infof("No integration definitions to load: %s is not a directory", dir.toAbsolutePath());
            return List.of();
        }
        List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> yamlFiles = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
            yamlFiles.forEach(files::add);
        } catch (IOException e) {
            LOG.errorf(e, "Could not list the integration definitions in %s", dir.toAbsolutePath());
            return List
                    .of(new LoadError(dir.toString(), List.of(new FieldError("", "cannot list: " + e.getMessage()))));
        }
        files.sort(null);
        List<LoadError> errors = new ArrayList<>();
        int applied = 0;
        for (Path file : files) {
            List<FieldError> problems = apply(file);
            if (problems.isEmpty()) {
                applied++;
            } else {
                errors.add(new LoadError(file.getFileName().toString(), problems));
                LOG.errorf("Skipped the integration definition %s: %s", file, problems.stream()
                        .map(e -> (e.field().isEmpty() ? "" : e.field() + ": ") + e.message())
                        .collect(Collectors.joining("; ")));
            }
        }
        LOG.infof("Applied %d integration definition file(s) from %s; skipped %d", applied, dir.toAbsolutePath(),
                errors.size());
        return List.copyOf(errors);
    }

    private List<FieldError> apply(Path file) {
        String name = file.getFileName().toString();
        String fileId = name.substring(0, name.length() - SUFFIX.length());
        JsonNode tree;
        try {
            tree = YAML.readTree(file.toFile());
        } catch (JsonProcessingException e) {
            return List.of(new FieldError("", "not valid YAML: " + e.getOriginalMessage()));
        } catch (IOException e) {
            return List.of(new FieldError("", "cannot be read: " + e.getMessage()));
        }
        try {
            return integrations.applyFile(fileId, tree);
        } catch (RuntimeException e) {
            LOG.errorf(e, "Could not store the integration definition %s", file);
            return List.of(new FieldError("", "could not be stored: " + e.getMessage()));
        }
    }
}
