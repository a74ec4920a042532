package io.komo.sync.observe;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import io.quarkus.arc.ClientProxy;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.apache.camel.quarkus.jolokia.CamelQuarkusJolokiaServer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jolokia.jvmagent.JolokiaServer;
import org.junit.jupiter.api.Test;

/**
 * Camel management over Jolokia takes no token, so it must listen on loopback only (README, Watching it run): the
 * configured host is 127.0.0.1 (without it Camel Quarkus binds 0.0.0.0 in prod mode), and the running agent is bound
 * to a loopback address. The tests do not start the agent on their own, so this test starts it; the application's
 * shutdown stops it.
 */
@QuarkusTest
class JolokiaAccessTest {

    @Inject
    CamelQuarkusJolokiaServer jolokia;

    @ConfigProperty(name = "quarkus.camel.jolokia.server.host")
    String configuredHost;

    @Test
    void theAgentListensOnLoopbackOnly() throws Exception {
        assertThat(configuredHost).isEqualTo("127.0.0.1");

        jolokia.start();
        InetSocketAddress address = serverOf(jolokia).getAddress();
        assertThat(address.getAddress().isLoopbackAddress()).as("Jolokia is bound to %s", address).isTrue();
        HttpResponse<String> version = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + address.getPort() + "/jolokia/version")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(version.statusCode()).as("the agent checked is the one answering").isEqualTo(200);
    }

    /** The agent's own server, for the address it is bound to; Camel Quarkus keeps it private. */
    private static JolokiaServer serverOf(CamelQuarkusJolokiaServer wrapper) throws ReflectiveOperationException {
        Field server = CamelQuarkusJolokiaServer.class.getDeclaredField("server");
        server.setAccessible(true);
        return (JolokiaServer) server.get(ClientProxy.unwrap(wrapper));
    }
}
