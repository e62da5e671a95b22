package io.pumptwin.twin.engine;

import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.topology.TwinTopology;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A stopped engine leaves its consumer group (StreamsStartup.close), so that an instance started in its place is
 * given the tasks at once, not after the stopped member's session has expired (45 s by Kafka's default, during which
 * no instance moves any twin). On the real broker, with Kafka's default session timeout.
 */
@RealKafka
class TwinEngineRestartTest {

    @Test
    void a_stopped_engine_leaves_its_group_and_a_restart_takes_the_tasks_over(RealStack stack) throws Exception {
        TwinEngineConfig config = config(stack, stack.uniqueId("twin-restart"));
        try (TwinEngine engine = new TwinEngine(config).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> engine.state() == KafkaStreams.State.RUNNING);
            assertThat(members(stack, config.applicationId())).hasSize(1);
        }
        assertThat(members(stack, config.applicationId())).isEmpty();
        // The same instance again, over its own state: the group it joins has no member left to wait for (how long the
        // wait was, and is, StreamsStartupBenchmark measures).
        try (TwinEngine again = new TwinEngine(config).start()) {
            await().atMost(Duration.ofSeconds(60)).until(() -> again.state() == KafkaStreams.State.RUNNING);
            assertThat(members(stack, config.applicationId())).hasSize(1);
        }
    }

    /** Why the engine closes as it does: Kafka Streams' own close leaves its member in the group. */
    @Test
    void kafka_streams_own_close_stays_in_the_group(RealStack stack) throws Exception {
        TwinEngineConfig config = config(stack, stack.uniqueId("twin-close"));
        KafkaStreams streams = new KafkaStreams(TwinTopology.build(config, stack.topicRegistry()),
                TwinEngine.streamsProperties(config));
        try {
            streams.start();
            await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        } finally {
            streams.close(Duration.ofSeconds(30));
        }
        assertThat(members(stack, config.applicationId())).hasSize(1);
    }

    private static TwinEngineConfig config(RealStack stack, String appId) {
        Path stateDir = Path.of(stack.streamsConfig("state").get("state.dir").toString()).resolve(appId);
        TwinEngineConfig.TwinTopicNames topics = new TwinEngineConfig.TwinTopicNames(
                stack.createTopic("restart-telemetry", 2, Map.of()),
                stack.createTopic("restart-state", 2, Map.of("cleanup.policy", "compact")),
                stack.createTopic("restart-events", 2, Map.of()), stack.createTopic("restart-dlq", 2, Map.of()),
                stack.createTopic("restart-parameters", 1, Map.of("cleanup.policy", "compact")));
        return TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), stateDir)
                .withApplicationId(appId).withTopics(topics).withQueryServer(0, null);
    }

    private static Collection<MemberDescription> members(RealStack stack, String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
            return admin.describeConsumerGroups(List.of(group)).all().get().get(group).members();
        }
    }
}
