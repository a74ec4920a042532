package io.komo.sync.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/** The "platform" behind {@link RecordingTestConnector}: records each upsert and answers like an HTTP API. */
@ApplicationScoped
public class RecordingPlatformRoutes extends RouteBuilder {

    public static final String ENDPOINT = "direct:test.recording-platform";
    public static final String ACTIVITIES = "direct:test.recording-platform.activities";

    @Inject
    RecordingTestConnector connector;

    @Override
    public void configure() {
        from(ENDPOINT).routeId("test.recording-platform").process(exchange -> {
            String body = exchange.getMessage().getBody(String.class);
            boolean fail = body.contains(RecordingTestConnector.FAIL_500);
            if (!fail) {
                connector.receive(body);
            }
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, fail ? 500 : 200);
            exchange.getMessage().setBody(fail ? "{\"error\":\"test platform down\"}" : "{\"ok\":true}");
        });
        from(ACTIVITIES).routeId("test.recording-platform.activities").process(exchange -> {
            connector.receiveActivities(exchange.getMessage().getBody(String.class));
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.getMessage().setBody("{\"ok\":true}");
        });
    }
}
