package io.komo.sync.connector.webhook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WebhookReceiverFakeTest {

    private final WebhookReceiverFake receiver = WebhookReceiverFake.start();
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        receiver.close();
    }

    @Test
    void recordsRequestsAndAnswers200ByDefault() throws Exception {
        HttpResponse<String> response = post("/in?x=1", "{\"a\":1}", Duration.ofSeconds(5));
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("{\"ok\":true}");
        WebhookReceiverFake.Received got = receiver.lastReceived();
        assertThat(got.method()).isEqualTo("POST");
        assertThat(got.url()).isEqualTo("/in?x=1");
        assertThat(got.path()).isEqualTo("/in");
        assertThat(got.body()).isEqualTo("{\"a\":1}");
        assertThat(got.header("X-Test")).isEqualTo("yes");
        assertThat(receiver.baseUrl()).startsWith("http://127.0.0.1:");
    }

    @Test
    void plannedAnswersApplyToTheNextCallsInOrder() throws Exception {
        receiver.answer(500, 2).answer(400, "{\"error\":\"bad\"}", 1).throttle(7, 1);
        assertThat(post("/", "{}", Duration.ofSeconds(5)).statusCode()).isEqualTo(500);
        assertThat(post("/", "{}", Duration.ofSeconds(5)).statusCode()).isEqualTo(500);
        HttpResponse<String> bad = post("/", "{}", Duration.ofSeconds(5));
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("bad");
        HttpResponse<String> throttled = post("/", "{}", Duration.ofSeconds(5));
        assertThat(throttled.statusCode()).isEqualTo(429);
        assertThat(throttled.headers().firstValue("Retry-After")).contains("7");
        assertThat(post("/", "{}", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
        assertThat(receiver.received()).hasSize(5);
        receiver.reset();
        assertThat(receiver.received()).isEmpty();
    }

    @Test
    void aDelayedAnswerTimesTheCallerOut() throws Exception {
        receiver.delay(Duration.ofSeconds(2), 1);
        assertThatThrownBy(() -> post("/slow", "{}", Duration.ofMillis(300))).isInstanceOf(HttpTimeoutException.class);
        assertThat(post("/fast", "{}", Duration.ofSeconds(5)).statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> post(String path, String body, Duration timeout) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(receiver.baseUrl() + path)).timeout(timeout)
                .header("Content-Type", "application/json").header("X-Test", "yes")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
