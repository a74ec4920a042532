package io.komo.sync.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.Test;

/**
 * The JVM image runs the app with {@code /deployments} as its working directory, and the app reads its route
 * templates ({@code camel.main.routes-include-pattern}) and its integration definitions ({@code komo.integrations.dir})
 * relative to it: the image must hold them there, or a container without the Kubernetes mounts runs no integration.
 * Checked without Docker, from the Dockerfile's text. Paths are relative to the project root.
 */
class DockerfileTest {

    private static final Path DOCKERFILE = Path.of("src/main/docker/Dockerfile.jvm");
    private static final Path PROPERTIES = Path.of("src/main/resources/application.properties");

    /** One {@code COPY [--chown=...] <source> <destination>} line. */
    private record Copy(String source, String destination) {
    }

    @Test
    void everyFolderTheAppReadsFromItsWorkingDirectoryIsCopiedThere() throws IOException {
        List<String> lines = Files.readAllLines(DOCKERFILE);
        String workdir = lines.stream().filter(l -> l.startsWith("WORKDIR ")).map(l -> l.substring(8).trim())
                .reduce((first, last) -> last).orElseThrow(() -> new AssertionError("the Dockerfile sets no WORKDIR"));
        List<Copy> copies = copies(lines);

        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(PROPERTIES)) {
            properties.load(reader);
        }
        List<String> folders = new ArrayList<>();
        for (String pattern : properties.getProperty("camel.main.routes-include-pattern").split(",")) {
            String path = pattern.trim().replaceFirst("^file:", "");
            folders.add(path.substring(0, path.lastIndexOf('/') + 1));
        }
        String integrations = properties.getProperty("komo.integrations.dir").replaceFirst("^\\$\\{[A-Z_]+:(.*)}$",
                "$1");
        folders.add(integrations.endsWith("/") ? integrations : integrations + "/");

        assertThat(folders).contains("routes/templates/", "config/integrations/");
        for (String folder : folders) {
            String inImage = workdir + "/" + folder;
            assertThat(copies).as("%s must be in the image at %s", folder, inImage)
                    .anySatisfy(copy -> {
                        assertThat(inImage).startsWith(copy.destination());
                        assertThat(copy.source() + inImage.substring(copy.destination().length()))
                                .as("the copied source").isEqualTo(folder);
                    });
        }
        for (Copy copy : copies) {
            if (!copy.source().startsWith("target/")) {
                assertThat(Path.of(copy.source())).as("COPY source").exists();
            }
        }
    }

    private static List<Copy> copies(List<String> lines) {
        List<Copy> copies = new ArrayList<>();
        for (String line : lines) {
            if (!line.startsWith("COPY ")) {
                continue;
            }
            List<String> words = new ArrayList<>(List.of(line.substring(5).trim().split("\\s+")));
            words.removeIf(word -> word.startsWith("--"));
            assertThat(words).as(line).hasSize(2);
            copies.add(new Copy(slash(words.get(0)), slash(words.get(1))));
        }
        return copies;
    }

    private static String slash(String path) {
        return path.endsWith("/") ? path : path + "/";
    }
}
