package io.komo.sync.engine;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

import io.komo.sync.testing.KafkaFeedProfile;
import io.komo.sync.testing.ProductionPath;

/**
 * Every end-to-end case of {@link WebhookSyncEndToEndTest} again in kafka mode: Komo's changes reach each
 * integration through the topic and its own consumer group on a real broker instead of the embedded feed.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@TestProfile(KafkaFeedProfile.class)
class WebhookSyncEndToEndOverKafkaTest extends WebhookSyncEndToEndTest {
}
