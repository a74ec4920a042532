package io.komo.sync.testing;

import static io.restassured.RestAssured.given;

import java.util.UUID;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Requests as each kind of caller makes them; the tokens are the %test ones of application.properties. */
public final class Api {

    public static final String ADMIN_TOKEN = "test-admin-token";
    public static final String OPERATOR_TOKEN = "test-operator-token";
    public static final String VIEWER_TOKEN = "test-viewer-token";

    private Api() {
    }

    public static RequestSpecification as(String token) {
        return given().header("Authorization", "Bearer " + token).contentType(ContentType.JSON);
    }

    public static RequestSpecification admin() {
        return as(ADMIN_TOKEN);
    }

    public static RequestSpecification operator() {
        return as(OPERATOR_TOKEN);
    }

    public static RequestSpecification viewer() {
        return as(VIEWER_TOKEN);
    }

    /** Tests share one database across runs, so every contact gets an address no earlier run used. */
    public static String uniqueEmail(String name) {
        return name + "." + UUID.randomUUID().toString().substring(0, 12) + "@example.com";
    }

    /**
     * Activates an integration the way an admin does without a test sync ({@code force}, with an audited reason): for
     * tests about what an active integration does, whose platform must not see a test sync's contacts.
     */
    public static void forceActivate(String integrationId) {
        admin().body("{\"force\": true, \"reason\": \"test fixture: the test is about the active integration\"}")
                .post("/api/integrations/" + integrationId + "/activate").then().statusCode(200);
    }

    public static String createContact(String json) {
        return operator().body(json).post("/api/contacts").then().statusCode(201).extract().path("id");
    }
}
