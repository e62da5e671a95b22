package io.pumptwin.gateway.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryFixtures;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.gateway.device.RequestSignature;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Events per second through the gateway (batched JSON over keep-alive HTTP, signed, validated,
 * acks=all) against a plain idempotent acks=all KafkaProducer writing the same events to the same
 * broker in the same run. Not a test: run it by hand (see the module README).
 *
 * <p>Arguments: {@code [events] [batchSize] [clientThreads] [pumps]}, defaults 100000 500 4 1000.
 */
public final class GatewayBenchmark {
  private static final ObjectMapper JSON = new ObjectMapper();

  public static void main(String[] args) throws Exception {
    int events = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
    int batchSize = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
    int pumps = args.length > 3 ? Integer.parseInt(args[3]) : 1000;

    try (RealStack stack = RealStack.startOnFreePorts()) {
      TelemetryJson mapper = new TelemetryJson();
      String secret = ProvisionDevice.newSecret(new SecureRandom());
      Path devices = Files.createTempFile("bench-devices", ".json");
      DeviceFile.write(devices, List.of(new Device("bench", secret, Set.of(Device.ANY_PUMP))));
      GatewayConfig config = GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
          .withListener("127.0.0.1", 0);

      // Warm both paths (JIT, metadata, schema ids) on events that are not measured.
      Workload warm = Workload.build(20_000, batchSize, pumps, "WARM", 0);
      Workload direct = Workload.build(events, batchSize, pumps, "DIRECT", 0);
      Workload viaGateway = Workload.build(events, batchSize, pumps, "GW", 0);

      Result producer;
      Result gatewayResult;
      try (TelemetryGateway gateway = new TelemetryGateway(config).start()) {
        plainProducer(stack, mapper, warm);
        runGateway(gateway.port(), secret, warm, threads);

        producer = plainProducer(stack, mapper, direct);
        gatewayResult = runGateway(gateway.port(), secret, viaGateway, threads);
      }
      Files.deleteIfExists(devices);

      System.out.printf("events=%d batch=%d clientThreads=%d pumps=%d cores=%d%n", events, batchSize,
          threads, pumps, Runtime.getRuntime().availableProcessors());
      System.out.printf("plain producer (acks=all, idempotent, Avro): %,.0f events/s%n", producer.eventsPerSecond());
      System.out.printf("gateway (HTTP JSON batches, HMAC, validation, acks=all): %,.0f events/s"
              + "  request latency p50=%.1f ms p99=%.1f ms max=%.1f ms%n",
          gatewayResult.eventsPerSecond(), gatewayResult.p50Ms(), gatewayResult.p99Ms(), gatewayResult.maxMs());
      System.out.printf("ratio gateway/producer: %.2f%n", gatewayResult.eventsPerSecond() / producer.eventsPerSecond());
    }
  }

  private record Result(int events, long nanos, long[] latenciesNanos) {
    double eventsPerSecond() {
      return events / (nanos / 1e9);
    }

    double p50Ms() {
      return percentile(0.50);
    }

    double p99Ms() {
      return percentile(0.99);
    }

    double maxMs() {
      return latenciesNanos.length == 0 ? 0 : latenciesNanos[latenciesNanos.length - 1] / 1e6;
    }

    private double percentile(double p) {
      if (latenciesNanos.length == 0) {
        return 0;
      }
      int i = (int) Math.ceil(p * latenciesNanos.length) - 1;
      return latenciesNanos[Math.max(0, i)] / 1e6;
    }
  }

  /** The same events as JSON batches (for the gateway) and as Avro records (for the producer). */
  private record Workload(List<byte[]> batches, List<ObjectNode> events) {
    static Workload build(int count, int batchSize, int pumps, String prefix, int seed) {
      Instant t = Instant.now().minusSeconds(3600);
      List<ObjectNode> all = new ArrayList<>(count);
      long[] sequence = new long[pumps];
      for (int i = 0; i < count; i++) {
        int pump = i % pumps;
        all.add(TelemetryFixtures.status(prefix + "-" + pump, ++sequence[pump], t.plusMillis(i)));
      }
      List<byte[]> batches = new ArrayList<>();
      for (int from = 0; from < count; from += batchSize) {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("events");
        all.subList(from, Math.min(count, from + batchSize)).forEach(list::add);
        batches.add(root.toString().getBytes(StandardCharsets.UTF_8));
      }
      return new Workload(batches, all);
    }
  }

  private static Result plainProducer(RealStack stack, TelemetryJson mapper, Workload w) throws Exception {
    List<TelemetryEnvelope> records = w.events().stream()
        .map(e -> ((TelemetryJson.Mapped.Ok) mapper.map(e)).event()).toList();
    Map<String, Object> config = stack.producerConfig();
    config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    var topic = stack.topicRegistry().topic(Topics.TELEMETRY);
    try (KafkaProducer<String, TelemetryEnvelope> producer = new KafkaProducer<>(config,
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      long start = System.nanoTime();
      List<Future<?>> acks = new ArrayList<>(records.size());
      for (TelemetryEnvelope r : records) {
        acks.add(producer.send(new ProducerRecord<>(topic.name(), r.getPumpSerial(), r)));
      }
      for (Future<?> f : acks) {
        f.get();
      }
      return new Result(records.size(), System.nanoTime() - start, new long[0]);
    }
  }

  private static Result runGateway(int port, String secret, Workload w, int threads) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI uri = URI.create("http://127.0.0.1:" + port + "/v1/telemetry");
    AtomicInteger next = new AtomicInteger();
    long[] latencies = new long[w.batches().size()];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    List<Future<?>> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(pool.submit(() -> {
        int i;
        while ((i = next.getAndIncrement()) < w.batches().size()) {
          byte[] body = w.batches().get(i);
          String ts = Long.toString(System.currentTimeMillis());
          HttpRequest request = HttpRequest.newBuilder(uri)
              .header("Content-Type", "application/json")
              .header(RequestSignature.DEVICE_HEADER, "bench")
              .header(RequestSignature.TIMESTAMP_HEADER, ts)
              .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(secret, ts + "", body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
          long sent = System.nanoTime();
          HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
          latencies[i] = System.nanoTime() - sent;
          if (response.statusCode() != 202) {
            throw new IllegalStateException("batch " + i + " got " + response.statusCode() + ": " + response.body());
          }
        }
        return null;
      }));
    }
    for (Future<?> f : workers) {
      f.get();
    }
    long elapsed = System.nanoTime() - start;
    pool.shutdown();
    Arrays.sort(latencies);
    return new Result(w.events().size(), elapsed, latencies);
  }
}
