package io.komo.sync.deploy;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Checks the kustomize manifests under {@code kubernetes/} without a cluster or a kustomize binary: probes hit the
 * app's real health endpoints on a declared port, every ConfigMap/Secret reference names something the base defines
 * and a key that exists there, and every file a kustomization lists exists. A broken manifest otherwise only shows up
 * as a pod stuck in CreateContainerConfigError or a crash-looping probe after a deploy.
 *
 * <p>Paths are relative to the Maven working directory, the project root.
 */
class KubernetesManifestsTest {

    private static final Path KUBERNETES = Path.of("kubernetes");
    private static final Path BASE = KUBERNETES.resolve("base");
    private static final Path OVERLAYS = KUBERNETES.resolve("overlays");
    private static final List<String> KUSTOMIZATION_NAMES = List.of("kustomization.yaml", "kustomization.yml",
            "Kustomization");

    /** SmallRye Health endpoints of the app, one per probe kind (port 8080, see application.properties). */
    private static final Map<String, String> HEALTH_PATH_BY_PROBE = Map.of(
            "livenessProbe", "/q/health/live",
            "readinessProbe", "/q/health/ready",
            "startupProbe", "/q/health/started");

    private static final Set<String> WORKLOAD_KINDS = Set.of("Deployment", "StatefulSet", "DaemonSet", "Job");

    /** One YAML document of one file. */
    private record Manifest(Path file, int index, Map<String, Object> body) {
        String kind() {
            return String.valueOf(body.get("kind"));
        }

        String name() {
            return String.valueOf(map(body.get("metadata")).get("name"));
        }

        boolean isKustomization() {
            return KUSTOMIZATION_NAMES.contains(file.getFileName().toString());
        }

        @Override
        public String toString() {
            return file + " (document " + (index + 1) + ", " + kind() + " " + name() + ")";
        }
    }

    /** A ConfigMap or Secret the base defines, with its keys and where it comes from. */
    private record Definition(String kind, String name, Set<String> keys, String source) {
    }

    @Test
    void everyYamlFileUnderKubernetesParses() {
        List<String> problems = new ArrayList<>();
        List<Path> files = yamlFiles();
        assertTrue(Files.isRegularFile(BASE.resolve("kustomization.yaml")), BASE + "/kustomization.yaml is missing");
        for (Path file : files) {
            try {
                loadAll(file);
            } catch (RuntimeException e) {
                problems.add(file + ": not valid YAML or not a mapping: " + e.getMessage());
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyFileAKustomizationListsExists() {
        List<String> problems = new ArrayList<>();
        for (Manifest kustomization : kustomizations()) {
            Path dir = kustomization.file().getParent();
            for (String resource : strings(kustomization.body().get("resources"))) {
                Path target = dir.resolve(resource).normalize();
                if (Files.isDirectory(target) ? kustomizationIn(target) == null : !Files.isRegularFile(target)) {
                    problems.add(kustomization.file() + ": resource '" + resource + "' resolves to " + target
                            + ", which is neither a file nor a directory with a kustomization");
                }
            }
            for (String listed : listedFiles(kustomization)) {
                Path target = dir.resolve(listed).normalize();
                if (!Files.isRegularFile(target)) {
                    problems.add(kustomization.file() + ": lists '" + listed + "', but " + target + " does not exist");
                }
            }
        }
        assertNoProblems(problems);
    }

    /** The pod runs what the repository holds: route templates, top-level routes and integration definitions. */
    @Test
    void everyRouteFileAndIntegrationDefinitionShipsWithThePod() throws java.io.IOException {
        Manifest base = kustomizations().stream().filter(k -> k.file().getParent().normalize().equals(BASE.normalize()))
                .findFirst().orElseThrow(() -> new AssertionError("no kustomization in " + BASE));
        Set<Path> shipped = new java.util.HashSet<>();
        listedFiles(base).forEach(listed -> shipped.add(BASE.resolve(listed).normalize()));
        List<String> problems = new ArrayList<>();
        for (Path folder : List.of(Path.of("routes"), Path.of("routes/templates"), Path.of("routes/integrations"),
                Path.of("config/integrations"))) {
            if (!Files.isDirectory(folder)) {
                continue;
            }
            try (var files = Files.list(folder)) {
                files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                        .map(Path::normalize)
                        .filter(f -> !shipped.contains(f))
                        .forEach(f -> problems.add(f + " is not in a configMapGenerator of " + base.file()
                                + ": the pod would run without it"));
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyOverlayResolvesToTheBase() {
        List<String> problems = new ArrayList<>();
        Path base = BASE.toAbsolutePath().normalize();
        try (Stream<Path> overlays = Files.list(OVERLAYS)) {
            for (Path overlay : overlays.filter(Files::isDirectory).sorted().toList()) {
                Path kustomization = kustomizationIn(overlay);
                if (kustomization == null) {
                    problems.add(overlay + ": no kustomization.yaml");
                } else if (!reachesBase(kustomization, base, new LinkedHashSet<>())) {
                    problems.add(kustomization + ": no resource leads to " + BASE
                            + " (expected a resource like ../../base)");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        assertNoProblems(problems);
    }

    @Test
    void probesHitTheAppsHealthEndpointsOnADeclaredPort() {
        List<String> problems = new ArrayList<>();
        List<Manifest> workloads = manifests().stream()
                .filter(m -> !m.isKustomization() && WORKLOAD_KINDS.contains(m.kind()))
                .toList();
        for (Manifest workload : workloads) {
            for (Map<String, Object> container : containers(workload)) {
                String containerName = String.valueOf(container.get("name"));
                // A patch may set probes without repeating the ports: the ports are those the same container
                // declares in any manifest of the same workload.
                Set<String> declaredPorts = declaredPorts(workloads, workload, containerName);
                for (Map.Entry<String, String> expected : HEALTH_PATH_BY_PROBE.entrySet()) {
                    Object probe = container.get(expected.getKey());
                    if (probe == null) {
                        continue;
                    }
                    String where = workload + " container " + containerName + " " + expected.getKey();
                    Map<String, Object> httpGet = map(map(probe).get("httpGet"));
                    if (httpGet.isEmpty()) {
                        problems.add(where + ": not an httpGet probe; expected GET " + expected.getValue());
                        continue;
                    }
                    if (!expected.getValue().equals(httpGet.get("path"))) {
                        problems.add(where + ": path " + httpGet.get("path") + " is not the app's "
                                + expected.getKey() + " endpoint " + expected.getValue());
                    }
                    String port = String.valueOf(httpGet.get("port"));
                    if (!declaredPorts.contains(port)) {
                        problems.add(where + ": port '" + port + "' is not declared by the container (declared: "
                                + declaredPorts + ")");
                    }
                }
            }
        }
        // The base is what every environment runs: it must carry all three probes.
        for (Manifest workload : workloads) {
            if (!workload.file().startsWith(BASE)) {
                continue;
            }
            for (Map<String, Object> container : containers(workload)) {
                for (String probe : HEALTH_PATH_BY_PROBE.keySet()) {
                    if (container.get(probe) == null) {
                        problems.add(workload + " container " + container.get("name") + ": no " + probe);
                    }
                }
            }
        }
        assertTrue(workloads.stream().anyMatch(w -> w.file().startsWith(BASE)), "no Deployment in " + BASE);
        assertNoProblems(problems);
    }

    @Test
    void configMapAndSecretReferencesNameWhatTheBaseDefines() {
        Map<String, Definition> definitions = baseDefinitions();
        List<String> problems = new ArrayList<>();
        for (Manifest manifest : manifests()) {
            if (manifest.isKustomization()) {
                continue;
            }
            checkReferences(manifest, manifest.body(), manifest.kind(), definitions, problems);
        }
        // An overlay patch of a ConfigMap or Secret must target one the base defines, or it creates a new one.
        for (Manifest manifest : manifests()) {
            if (manifest.file().startsWith(OVERLAYS) && isPatch(manifest)
                    && Set.of("ConfigMap", "Secret").contains(manifest.kind())
                    && !definitions.containsKey(manifest.kind() + "/" + manifest.name())) {
                problems.add(manifest + ": patches " + manifest.kind() + " " + manifest.name()
                        + ", which the base does not define (defined: " + definitions.keySet() + ")");
            }
        }
        assertNoProblems(problems);
    }

    @Test
    void everyManifestIsListedByAKustomization() {
        Set<Path> listed = new LinkedHashSet<>();
        for (Manifest kustomization : kustomizations()) {
            Path dir = kustomization.file().getParent();
            strings(kustomization.body().get("resources")).forEach(r -> listed.add(dir.resolve(r).normalize()));
            listedFiles(kustomization).forEach(f -> listed.add(dir.resolve(f).normalize()));
        }
        List<String> problems = new ArrayList<>();
        for (Path file : yamlFiles()) {
            boolean isKustomization = KUSTOMIZATION_NAMES.contains(file.getFileName().toString());
            if (!isKustomization && !listed.contains(file.normalize())) {
                problems.add(file + ": no kustomization lists it, so it is never applied");
            }
        }
        assertNoProblems(problems);
    }

    // ---- references ----

    /**
     * Walks any manifest and checks every configMapKeyRef, secretKeyRef, envFrom ref, configMap/secret volume and
     * projected source. {@code path} names the position (containers and env entries by name) for the message.
     */
    private static void checkReferences(Manifest manifest, Object node, String path,
            Map<String, Definition> definitions, List<String> problems) {
        if (node instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                Object name = item instanceof Map<?, ?> m ? m.get("name") : null;
                checkReferences(manifest, item, path + "[" + (name != null ? name : i) + "]", definitions, problems);
            }
            return;
        }
        if (!(node instanceof Map<?, ?> mapNode)) {
            return;
        }
        for (Map.Entry<?, ?> entry : mapNode.entrySet()) {
            String field = String.valueOf(entry.getKey());
            String here = path + "." + field;
            Map<String, Object> value = map(entry.getValue());
            switch (field) {
                case "configMapKeyRef" -> checkKey(manifest, here, "ConfigMap", value.get("name"), value.get("key"),
                        definitions, problems);
                case "secretKeyRef" -> checkKey(manifest, here, "Secret", value.get("name"), value.get("key"),
                        definitions, problems);
                case "configMapRef" -> checkName(manifest, here, "ConfigMap", value.get("name"), definitions, problems);
                case "secretRef" -> checkName(manifest, here, "Secret", value.get("name"), definitions, problems);
                // A configMap volume or projected source; items pick keys and place them.
                case "configMap" -> checkItems(manifest, here, "ConfigMap", value.get("name"), value, definitions,
                        problems);
                // A secret volume names it secretName, a projected secret source name.
                case "secret" -> checkItems(manifest, here, "Secret",
                        value.containsKey("secretName") ? value.get("secretName") : value.get("name"), value,
                        definitions, problems);
                default -> {
                }
            }
            checkReferences(manifest, entry.getValue(), here, definitions, problems);
        }
    }

    private static Definition checkName(Manifest manifest, String where, String kind, Object name,
            Map<String, Definition> definitions, List<String> problems) {
        Definition definition = definitions.get(kind + "/" + name);
        if (definition == null) {
            problems.add(manifest + " at " + where + ": " + kind + " '" + name + "' is not defined in " + BASE
                    + " (defined: " + definitions.keySet() + ")");
        }
        return definition;
    }

    private static void checkKey(Manifest manifest, String where, String kind, Object name, Object key,
            Map<String, Definition> definitions, List<String> problems) {
        Definition definition = checkName(manifest, where, kind, name, definitions, problems);
        if (definition != null && !definition.keys().contains(String.valueOf(key))) {
            problems.add(manifest + " at " + where + ": key '" + key + "' is not in " + kind + " " + name + " ("
                    + definition.source() + "; keys: " + new TreeSet<>(definition.keys()) + ")");
        }
    }

    private static void checkItems(Manifest manifest, String where, String kind, Object name,
            Map<String, Object> volume, Map<String, Definition> definitions, List<String> problems) {
        Definition definition = checkName(manifest, where, kind, name, definitions, problems);
        if (definition == null || !volume.containsKey("items")) {
            return;
        }
        Set<String> itemKeys = new LinkedHashSet<>();
        for (Object item : list(volume.get("items"))) {
            String key = String.valueOf(map(item).get("key"));
            itemKeys.add(key);
            if (!definition.keys().contains(key)) {
                problems.add(manifest + " at " + where + ": item key '" + key + "' is not in " + kind + " " + name
                        + " (" + definition.source() + "; keys: " + new TreeSet<>(definition.keys()) + ")");
            }
        }
        // With items, keys left out are not mounted at all: a file added to a generator would silently be missing.
        for (String key : definition.keys()) {
            if (!itemKeys.contains(key)) {
                problems.add(manifest + " at " + where + ": " + kind + " " + name + " has key '" + key
                        + "' that no item mounts (" + definition.source() + ")");
            }
        }
    }

    /** ConfigMaps and Secrets of the base: from the resources its kustomization lists, and its generators. */
    private static Map<String, Definition> baseDefinitions() {
        Map<String, Definition> definitions = new LinkedHashMap<>();
        Manifest kustomization = loadAll(BASE.resolve("kustomization.yaml")).get(0);
        for (String resource : strings(kustomization.body().get("resources"))) {
            Path file = BASE.resolve(resource).normalize();
            if (!Files.isRegularFile(file)) {
                continue;
            }
            for (Manifest manifest : loadAll(file)) {
                if (Set.of("ConfigMap", "Secret").contains(manifest.kind())) {
                    Set<String> keys = new LinkedHashSet<>();
                    for (String field : List.of("data", "stringData", "binaryData")) {
                        keys.addAll(map(manifest.body().get(field)).keySet());
                    }
                    definitions.put(manifest.kind() + "/" + manifest.name(),
                            new Definition(manifest.kind(), manifest.name(), keys, "defined in " + file));
                }
            }
        }
        for (String generatorField : List.of("configMapGenerator", "secretGenerator")) {
            String kind = generatorField.equals("configMapGenerator") ? "ConfigMap" : "Secret";
            for (Object generatorNode : list(kustomization.body().get(generatorField))) {
                Map<String, Object> generator = map(generatorNode);
                Set<String> keys = new LinkedHashSet<>();
                for (String file : strings(generator.get("files"))) {
                    int equals = file.indexOf('=');
                    keys.add(equals >= 0 ? file.substring(0, equals) : Path.of(file).getFileName().toString());
                }
                for (String literal : strings(generator.get("literals"))) {
                    keys.add(literal.substring(0, Math.max(0, literal.indexOf('='))));
                }
                for (String envFile : envFiles(generator)) {
                    keys.addAll(envFileKeys(BASE.resolve(envFile).normalize()));
                }
                String name = String.valueOf(generator.get("name"));
                definitions.put(kind + "/" + name, new Definition(kind, name, keys,
                        "generated by " + generatorField + " in " + kustomization.file()));
            }
        }
        return definitions;
    }

    // ---- kustomization structure ----

    /** Files (not directories) a kustomization lists: patches and generator sources. */
    private static List<String> listedFiles(Manifest kustomization) {
        Map<String, Object> body = kustomization.body();
        List<String> files = new ArrayList<>();
        for (Object patch : list(body.get("patches"))) {
            Object path = patch instanceof String s ? s : map(patch).get("path");
            if (path != null) {
                files.add(String.valueOf(path));
            }
        }
        files.addAll(strings(body.get("patchesStrategicMerge")));
        for (Object patch : list(body.get("patchesJson6902"))) {
            Object path = map(patch).get("path");
            if (path != null) {
                files.add(String.valueOf(path));
            }
        }
        for (String generatorField : List.of("configMapGenerator", "secretGenerator")) {
            for (Object generatorNode : list(body.get(generatorField))) {
                Map<String, Object> generator = map(generatorNode);
                for (String file : strings(generator.get("files"))) {
                    files.add(file.substring(file.indexOf('=') + 1));
                }
                files.addAll(envFiles(generator));
            }
        }
        return files;
    }

    private static boolean isPatch(Manifest manifest) {
        Path dir = manifest.file().getParent();
        return kustomizations().stream()
                .filter(k -> k.file().getParent().equals(dir))
                .anyMatch(k -> listedFiles(k).stream()
                        .anyMatch(f -> dir.resolve(f).normalize().equals(manifest.file().normalize())));
    }

    private static boolean reachesBase(Path kustomization, Path base, Set<Path> seen) {
        Path dir = kustomization.getParent().toAbsolutePath().normalize();
        if (dir.equals(base)) {
            return true;
        }
        if (!seen.add(dir)) {
            return false;
        }
        for (String resource : strings(loadAll(kustomization).get(0).body().get("resources"))) {
            Path target = kustomization.getParent().resolve(resource).normalize();
            Path next = Files.isDirectory(target) ? kustomizationIn(target) : null;
            if (next != null && reachesBase(next, base, seen)) {
                return true;
            }
        }
        return false;
    }

    private static Path kustomizationIn(Path dir) {
        return KUSTOMIZATION_NAMES.stream().map(dir::resolve).filter(Files::isRegularFile).findFirst().orElse(null);
    }

    private static List<String> envFiles(Map<String, Object> generator) {
        List<String> files = new ArrayList<>(strings(generator.get("envs")));
        if (generator.get("env") != null) {
            files.add(String.valueOf(generator.get("env")));
        }
        return files;
    }

    private static Set<String> envFileKeys(Path envFile) {
        Set<String> keys = new LinkedHashSet<>();
        if (!Files.isRegularFile(envFile)) {
            return keys;
        }
        try {
            for (String line : Files.readAllLines(envFile)) {
                String trimmed = line.strip();
                if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
                    keys.add(trimmed.split("=", 2)[0]);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return keys;
    }

    // ---- workloads ----

    private static List<Map<String, Object>> containers(Manifest workload) {
        Map<String, Object> podSpec = map(map(map(workload.body().get("spec")).get("template")).get("spec"));
        List<Map<String, Object>> containers = new ArrayList<>();
        list(podSpec.get("containers")).forEach(c -> containers.add(map(c)));
        list(podSpec.get("initContainers")).forEach(c -> containers.add(map(c)));
        return containers;
    }

    private static Set<String> declaredPorts(List<Manifest> workloads, Manifest workload, String containerName) {
        Set<String> ports = new TreeSet<>();
        for (Manifest other : workloads) {
            if (!other.kind().equals(workload.kind()) || !other.name().equals(workload.name())) {
                continue;
            }
            for (Map<String, Object> container : containers(other)) {
                if (!containerName.equals(String.valueOf(container.get("name")))) {
                    continue;
                }
                for (Object portNode : list(container.get("ports"))) {
                    Map<String, Object> port = map(portNode);
                    if (port.get("name") != null) {
                        ports.add(String.valueOf(port.get("name")));
                    }
                    ports.add(String.valueOf(port.get("containerPort")));
                }
            }
        }
        return ports;
    }

    // ---- loading ----

    private static List<Path> yamlFiles() {
        try (Stream<Path> files = Files.walk(KUBERNETES)) {
            return files.filter(Files::isRegularFile)
                    .filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml")
                            || f.getFileName().toString().equals("Kustomization"))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + KUBERNETES.toAbsolutePath()
                    + " (tests run from the project root)", e);
        }
    }

    private static List<Manifest> manifests() {
        return yamlFiles().stream().flatMap(f -> loadAll(f).stream()).toList();
    }

    private static List<Manifest> kustomizations() {
        return manifests().stream().filter(Manifest::isKustomization).toList();
    }

    /** Every document of a multi-document file; empty documents (a stray {@code ---}) are skipped. */
    private static List<Manifest> loadAll(Path file) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        List<Manifest> manifests = new ArrayList<>();
        try (Reader reader = Files.newBufferedReader(file)) {
            int index = 0;
            for (Object document : yaml.loadAll(reader)) {
                if (document == null) {
                    index++;
                    continue;
                }
                if (!(document instanceof Map<?, ?>)) {
                    throw new IllegalStateException("document " + (index + 1) + " is not a mapping");
                }
                manifests.add(new Manifest(file, index++, map(document)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return manifests;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object node) {
        return node instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }

    private static List<?> list(Object node) {
        return node instanceof List<?> l ? l : List.of();
    }

    private static List<String> strings(Object node) {
        return list(node).stream().map(String::valueOf).toList();
    }

    private static void assertNoProblems(List<String> problems) {
        if (!problems.isEmpty()) {
            fail(problems.size() + " problem(s) in " + KUBERNETES + ":\n  " + String.join("\n  ", problems));
        }
    }
}
