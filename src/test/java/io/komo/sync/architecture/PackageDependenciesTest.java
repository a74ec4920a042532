package io.komo.sync.architecture;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import com.tngtech.archunit.core.domain.Dependency;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package structure of docs/ARCHITECTURE.md true: dependencies point one way, from the API and services
 * down through the engine to the connector SPI, with no package cycle; and a connector depends on nothing of the
 * engine but the SPI and the shared security helpers, so adding a platform touches its own package only.
 */
class PackageDependenciesTest {

    private static final String ROOT = "io.komo.sync";

    /**
     * The floors of the house, ground first: a package may depend on its own floor's packages and those below, never
     * on a floor above. Within a floor the cycle rule keeps dependencies one way.
     */
    private static final List<List<String>> FLOORS = List.of(
            List.of("api", "camel", "schedule"),
            List.of("storage", "connector.spi", "merge"),
            List.of("security", "state"),
            List.of("contact", "connector"),
            List.of("dedup"),
            List.of("filter"),
            List.of("mapping"),
            List.of("definition"),
            List.of("errors"),
            List.of("delivery", "feed"),
            List.of("runtime", "observe", "subscription"),
            List.of("conflict", "deadletter", "duplicate", "outbound"),
            List.of("inbound"),
            List.of("run"),
            List.of("integration"));

    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void noPackageCycle() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void everyPackageHasAFloor() {
        var unplaced = new TreeSet<String>();
        for (JavaClass javaClass : classes) {
            if (floorOf(javaClass.getPackageName()) < 0) {
                unplaced.add(javaClass.getPackageName());
            }
        }
        assertThat(unplaced).as("packages missing from FLOORS (place each, and in docs/ARCHITECTURE.md)").isEmpty();
    }

    @Test
    void noPackageDependsOnOneAboveIt() {
        List<String> upward = new ArrayList<>();
        for (JavaClass origin : classes) {
            int from = floorOf(origin.getPackageName());
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                JavaClass target = dependency.getTargetClass();
                int to = target.getPackageName().startsWith(ROOT) ? floorOf(target.getPackageName()) : -1;
                if (from >= 0 && to > from) {
                    upward.add(dependency.getDescription());
                }
            }
        }
        assertThat(upward).as("dependencies on a higher floor").isEmpty();
    }

    @Test
    void connectorsDependOnlyOnTheSpiAndSharedHelpers() {
        List<String> reachingIn = new ArrayList<>();
        for (JavaClass origin : classes) {
            String pkg = relative(origin.getPackageName());
            if (!pkg.startsWith("connector.") || pkg.equals("connector.spi")) {
                continue;
            }
            for (Dependency dependency : origin.getDirectDependenciesFromSelf()) {
                String target = dependency.getTargetClass().getPackageName();
                if (target.startsWith(ROOT) && !allowedForConnectors(pkg, relative(target))) {
                    reachingIn.add(dependency.getDescription());
                }
            }
        }
        assertThat(reachingIn).as("connector dependencies on engine internals").isEmpty();
    }

    private static boolean allowedForConnectors(String connectorPackage, String target) {
        return target.equals(connectorPackage) || target.startsWith(connectorPackage + ".")
                || target.equals("connector.spi") || target.equals("security");
    }

    private static int floorOf(String packageName) {
        String pkg = relative(packageName);
        for (int floor = 0; floor < FLOORS.size(); floor++) {
            for (String placed : FLOORS.get(floor)) {
                if (pkg.equals(placed) || pkg.startsWith(placed + ".")) {
                    return floor;
                }
            }
        }
        return -1;
    }

    private static String relative(String packageName) {
        return packageName.equals(ROOT) ? "" : packageName.substring(ROOT.length() + 1);
    }
}
