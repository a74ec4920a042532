package io.komo.sync.testing;

import static io.komo.sync.testing.Api.admin;
import static org.hamcrest.Matchers.anyOf;
import static org.hamcrest.Matchers.is;

import java.util.HashSet;
import java.util.Set;

import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Deletes, after each test, the integrations that appeared during it (created through the API or by
 * {@link SyncFixtures}), through {@code DELETE /api/integrations/{id}}. Tests share one database across
 * Quarkus restarts: an integration left behind would keep running for the rest of the run, retrying
 * against the closed port of its test's fake. Integrations that existed before the test are kept.
 *
 * <p>Use: {@code @QuarkusTest @ExtendWith(DeletesCreatedIntegrations.class)}, after {@code @QuarkusTest}, so
 * the application is up (and RestAssured points at it) when this runs.
 */
public final class DeletesCreatedIntegrations implements BeforeEachCallback, AfterEachCallback {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace
            .create(DeletesCreatedIntegrations.class);
    private static final String BEFORE = "integrations-before";

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NAMESPACE).put(BEFORE, stored());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Set<?> before = context.getStore(NAMESPACE).remove(BEFORE, Set.class);
        for (String id : stored()) {
            if (!before.contains(id)) {
                // 404: the test's own clean-up, or a runtime reacting to it, was quicker.
                admin().delete("/api/integrations/" + id).then().statusCode(anyOf(is(204), is(404)));
            }
        }
    }

    private static Set<String> stored() {
        Set<String> ids = new HashSet<>();
        String cursor = null;
        do {
            RequestSpecification request = admin().queryParam("limit", 1000);
            if (cursor != null) {
                request.queryParam("cursor", cursor);
            }
            JsonPath page = request.get("/api/integrations").then().statusCode(200).extract().jsonPath();
            ids.addAll(page.getList("items.id", String.class));
            cursor = page.getString("nextCursor");
        } while (cursor != null);
        return ids;
    }
}
