package io.komo.sync.testing;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/** The "platform" behind {@link ReadableTestConnector}: stores upserts and answers reads, like an HTTP API. */
@ApplicationScoped
public class ReadablePlatformRoutes extends RouteBuilder {

    public static final String UPSERT = "direct:test.readable-platform-upsert";
    public static final String READ = "direct:test.readable-platform-read";

    @Inject
    ReadableTestConnector connector;

    @Override
    public void configure() {
        from(UPSERT).routeId("test.readable-platform-upsert").process(exchange -> {
            connector.receive(exchange.getMessage().getHeader(ReadableTestConnector.INTEGRATION, String.class),
                    exchange.getMessage().getBody(String.class));
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 200);
            exchange.getMessage().setBody("{\"ok\":true}");
        });
        from(READ).routeId("test.readable-platform-read").process(exchange -> {
            String page = connector.page(
                    exchange.getMessage().getHeader(ReadableTestConnector.INTEGRATION, String.class),
                    exchange.getMessage().getHeader(ReadableTestConnector.SINCE, String.class),
                    exchange.getMessage().getHeader(ReadableTestConnector.CURSOR, String.class),
                    exchange.getMessage().getHeader(ReadableTestConnector.SIZE, Integer.class));
            exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, page == null ? 503 : 200);
            exchange.getMessage().setBody(page == null ? "{\"error\":\"unavailable\"}" : page);
        });
    }
}
