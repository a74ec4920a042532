package io.komo.sync.engine;

import java.util.List;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import org.junit.jupiter.api.Tag;

import io.komo.sync.testing.KafkaFeedProfile;
import io.komo.sync.testing.ProductionPath;

/**
 * {@link SlowPlatformsTest} again in kafka mode: each integration's consumer waits for a connection background
 * work may hold, and a batch that finds none within a few seconds is read again from the committed offsets.
 */
@Tag(ProductionPath.TAG)
@QuarkusTest
@TestProfile(SlowPlatformsOverKafkaTest.SmallPoolOverKafka.class)
class SlowPlatformsOverKafkaTest extends SlowPlatformsTest {

    public static class SmallPoolOverKafka extends SlowPlatformsTest.SmallPool {
        @Override
        public List<TestResourceEntry> testResources() {
            return new KafkaFeedProfile().testResources();
        }
    }
}
