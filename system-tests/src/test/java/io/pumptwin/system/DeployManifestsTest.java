package io.pumptwin.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * What deploy/ ships parses, and says what the code and the README say: the compose stack's cluster is three
 * KRaft brokers at replication factor 3 and min ISR 2 with every image substitutable; Prometheus scrapes every
 * service that serves /metrics; Grafana's dashboards query only documented meters through provisioned data
 * sources; the Kubernetes manifests declare every topic of {@link Topics} as it is declared there, and give
 * every container probes and resource requests. No engine is needed: the files are read as YAML and JSON
 * (SnakeYAML, as docker compose reads them, with anchors and merge keys).
 */
class DeployManifestsTest {
  private static final Path DEPLOY = Path.of("..", "deploy");
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theComposeStackIsAThreeBrokerKraftClusterAtReplicationThreeWithSubstitutableImages() throws Exception {
    String text = Files.readString(DEPLOY.resolve("compose/docker-compose.yml"));
    Map<String, Object> compose = yaml(text).get(0);
    Map<String, Object> services = map(compose.get("services"));

    List<String> brokers = services.keySet().stream().filter(s -> s.startsWith("kafka-")).sorted().toList();
    assertThat(brokers).containsExactly("kafka-1", "kafka-2", "kafka-3");
    Set<String> nodeIds = new HashSet<>();
    for (String broker : brokers) {
      Map<String, Object> env = map(map(services.get(broker)).get("environment"));
      nodeIds.add(String.valueOf(env.get("KAFKA_NODE_ID")));
      assertThat(String.valueOf(env.get("KAFKA_PROCESS_ROLES"))).as(broker).contains("broker");
      assertThat(String.valueOf(env.get("KAFKA_CONTROLLER_QUORUM_VOTERS")))
          .isEqualTo("1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093");
      assertThat(env).as(broker + " durability")
          .containsEntry("KAFKA_DEFAULT_REPLICATION_FACTOR", 3)
          .containsEntry("KAFKA_MIN_INSYNC_REPLICAS", 2)
          .containsEntry("KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR", 3)
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR", 3)
          .containsEntry("KAFKA_TRANSACTION_STATE_LOG_MIN_ISR", 2);
      assertThat(String.valueOf(env.get("CLUSTER_ID"))).as("one cluster id").matches(".*\\b[A-Za-z0-9_-]{22}}$");
    }
    assertThat(nodeIds).hasSize(3);

    // Two twin-engine instances of one application, each reachable by the other under its own name.
    List<String> engines = services.keySet().stream().filter(s -> s.startsWith("twin-engine")).sorted().toList();
    assertThat(engines).hasSize(2);
    for (String engine : engines) {
      Map<String, Object> env = map(map(services.get(engine)).get("environment"));
      assertThat(env.get("TWIN_APPLICATION_SERVER")).isEqualTo(engine + ":8083");
      // The query API answers staff only: without the token file it answers nobody.
      assertThat(env.get("STAFF_TOKENS_FILE")).isEqualTo("/etc/pumptwin/tokens.yaml");
      assertThat(env.get("PUMPTWIN_TOPIC_REPLICATION_FACTOR")).isEqualTo(3);
      assertThat(env.get("PUMPTWIN_TOPIC_MIN_INSYNC_REPLICAS")).isEqualTo(2);
    }
    assertThat(services).containsKeys("schema-registry", "gateway", "alerting", "simulator", "prometheus", "grafana");

    // Every image is a variable with the public or project image as its default.
    Pattern substitutable = Pattern.compile("\\$\\{[A-Z_]+_IMAGE:-[a-z0-9./-]+:[A-Za-z0-9._-]+}");
    Map<String, String> defaults = new HashMap<>();
    for (Map.Entry<String, Object> s : services.entrySet()) {
      String image = String.valueOf(map(s.getValue()).get("image"));
      assertThat(image).as("image of %s", s.getKey()).matches(substitutable);
      defaults.put(s.getKey(), image.substring(image.indexOf(":-") + 2, image.length() - 1));
    }
    // The public images for Kafka and the registry; PumpTwin's own as deploy/images/build.sh names and tags them.
    String version = projectVersion();
    assertThat(defaults).containsEntry("kafka-1", "apache/kafka:4.1.0")
        .containsEntry("gateway", "pumptwin/telemetry-gateway:" + version)
        .containsEntry("twin-engine-1", "pumptwin/twin-engine:" + version)
        .containsEntry("twin-engine-2", "pumptwin/twin-engine:" + version)
        .containsEntry("alerting", "pumptwin/alerting:" + version)
        .containsEntry("simulator", "pumptwin/fleet-simulator:" + version);
    assertThat(defaults.get("schema-registry")).startsWith("apicurio/apicurio-registry");
    defaults.values().stream().filter(i -> i.startsWith("pumptwin/")).forEach(this::assertBuiltByBuildSh);

    // Grafana's password is never a default in the file.
    assertThat(text).doesNotContainPattern("GF_SECURITY_ADMIN_PASSWORD: *[^$ ]");
  }

  @Test
  void theLocalImagesOverrideSwapsOnlyKafkaAndTheRegistryForTheImagesBuildShMakes() throws Exception {
    Map<String, Object> base = map(yaml(Files.readString(DEPLOY.resolve("compose/docker-compose.yml"))).get(0)
        .get("services"));
    Map<String, Object> local = map(yaml(Files.readString(DEPLOY.resolve("compose/docker-compose.local-images.yml")))
        .get(0).get("services"));
    String version = projectVersion();
    assertThat(local.keySet()).containsExactlyInAnyOrder("kafka-1", "kafka-2", "kafka-3", "schema-registry");
    assertThat(base.keySet()).containsAll(local.keySet());
    for (String broker : List.of("kafka-1", "kafka-2", "kafka-3")) {
      Map<String, Object> node = map(local.get(broker));
      assertThat(String.valueOf(node.get("image"))).isEqualTo("${KAFKA_IMAGE:-pumptwin/kafka:" + version + "}");
      // One set of variable names: the brokers keep docker-compose.yml's KAFKA_* and CLUSTER_ID settings.
      assertThat(node).as(broker).doesNotContainKey("environment").containsKey("healthcheck");
    }
    assertThat(String.valueOf(map(local.get("schema-registry")).get("image")))
        .isEqualTo("${SCHEMA_REGISTRY_IMAGE:-pumptwin/schema-registry:" + version + "}");
    for (Object service : local.values()) {
      String image = String.valueOf(map(service).get("image"));
      assertBuiltByBuildSh(image.substring(image.indexOf(":-") + 2, image.length() - 1));
    }
  }

  /**
   * The locally built Kafka image reads the compose file's broker settings as the public apache/kafka image does:
   * its start script, run with kafka-1's environment (a stand-in {@code java} on the PATH records the commands),
   * writes exactly those settings and formats storage with the compose file's cluster id.
   */
  @Test
  void theLocalKafkaImageTakesTheComposeBrokerSettingsUnderThePublicImagesVariableNames(@TempDir Path dir)
      throws Exception {
    Map<String, Object> services = map(yaml(Files.readString(DEPLOY.resolve("compose/docker-compose.yml"))).get(0)
        .get("services"));
    Map<String, Object> env = map(map(services.get("kafka-1")).get("environment"));
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path calls = dir.resolve("java-calls.txt");
    Files.writeString(bin.resolve("java"), "#!/bin/sh\necho \"$*\" >> '" + calls + "'\n");
    assertThat(bin.resolve("java").toFile().setExecutable(true)).isTrue();
    Path config = dir.resolve("server.properties");
    Path data = dir.resolve("data");

    ProcessBuilder start = new ProcessBuilder("bash", DEPLOY.resolve("images/kafka/kafka-start").toString())
        .redirectErrorStream(true);
    Map<String, String> environment = start.environment();
    environment.keySet().removeIf(k -> k.startsWith("KAFKA_") || k.equals("CLUSTER_ID"));
    env.forEach((k, v) -> environment.put(k, String.valueOf(v).replaceAll("^\\$\\{[A-Z_]+:-(.*)}$", "$1")));
    environment.put("KAFKA_LOG_DIRS", data.toString());
    environment.put("PUMPTWIN_KAFKA_CONFIG", config.toString());
    environment.put("PATH", bin + ":" + System.getenv("PATH"));
    Process p = start.start();
    String output = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor()).as(output).isZero();

    java.util.Properties props = new java.util.Properties();
    try (var in = Files.newInputStream(config)) {
      props.load(in); // as the broker reads it: a later line wins over the script's defaults
    }
    assertThat(props).containsEntry("node.id", "1").containsEntry("process.roles", "broker,controller")
        .containsEntry("controller.quorum.voters", "1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093")
        .containsEntry("listeners", "PLAINTEXT://:9092,CONTROLLER://:9093,HOST://:19092")
        .containsEntry("advertised.listeners", "PLAINTEXT://kafka-1:9092,HOST://localhost:19092")
        .containsEntry("listener.security.protocol.map", "CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,HOST:PLAINTEXT")
        .containsEntry("default.replication.factor", "3").containsEntry("min.insync.replicas", "2")
        .containsEntry("offsets.topic.replication.factor", "3")
        .containsEntry("transaction.state.log.replication.factor", "3")
        .containsEntry("transaction.state.log.min.isr", "2")
        .containsEntry("share.coordinator.state.topic.replication.factor", "3")
        .containsEntry("share.coordinator.state.topic.min.isr", "2")
        .containsEntry("auto.create.topics.enable", "false")
        .containsEntry("log.dirs", data.toString())
        // With static voters the quorum is not bootstrapped from a single node.
        .doesNotContainKey("controller.quorum.bootstrap.servers");
    assertThat(props.keySet()).as("every property came from a KAFKA_ variable or the defaults")
        .allMatch(k -> String.valueOf(k).matches("[a-z0-9._-]+"));
    String clusterId = String.valueOf(env.get("CLUSTER_ID")).replaceAll("^\\$\\{[A-Z_]+:-(.*)}$", "$1");
    List<String> javaCalls = Files.readAllLines(calls);
    assertThat(javaCalls).hasSize(2);
    assertThat(javaCalls.get(0)).contains("kafka.tools.StorageTool format --ignore-formatted -t " + clusterId + " -c "
        + config).doesNotContain("--standalone");
    assertThat(javaCalls.get(1)).endsWith("kafka.Kafka " + config);
  }

  @Test
  void kubernetesManifestsUseTheImagesBuildShMakesUnderItsTags() throws Exception {
    String version = projectVersion();
    Set<String> images = new TreeSet<>();
    try (Stream<Path> list = Files.list(DEPLOY.resolve("k8s"))) {
      for (Path file : list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        Matcher m = Pattern.compile("(?m)^\\s*image: *(pumptwin/\\S+)$").matcher(Files.readString(file));
        while (m.find()) {
          images.add(m.group(1));
        }
      }
    }
    assertThat(images).containsExactlyInAnyOrder("pumptwin/telemetry-gateway:" + version,
        "pumptwin/twin-engine:" + version, "pumptwin/alerting:" + version);
    images.forEach(this::assertBuiltByBuildSh);
    Map<String, Object> kustomization = yaml(Files.readString(DEPLOY.resolve("k8s/kustomization.yaml"))).get(0);
    Map<String, String> tags = new HashMap<>();
    for (Object i : (List<?>) kustomization.get("images")) {
      tags.put(String.valueOf(map(i).get("name")), String.valueOf(map(i).get("newTag")));
    }
    assertThat(tags).containsOnlyKeys(images.stream().map(i -> i.substring(0, i.indexOf(':'))).toList());
    assertThat(tags.values()).containsOnly(version);
  }

  @Test
  void prometheusScrapesEveryServiceWithAMetricsEndpointUnderTheJobsTheReadmeNames() throws Exception {
    Map<String, Object> config = yaml(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml"))).get(0);
    Map<String, List<String>> targets = new HashMap<>();
    for (Object job : (List<?>) config.get("scrape_configs")) {
      Map<String, Object> j = map(job);
      List<String> t = new ArrayList<>();
      for (Object sc : (List<?>) j.get("static_configs")) {
        ((List<?>) map(sc).get("targets")).forEach(x -> t.add(String.valueOf(x)));
      }
      targets.put(String.valueOf(j.get("job_name")), t);
    }
    assertThat(targets).containsEntry("telemetry-gateway", List.of("gateway:8080"))
        .containsEntry("twin-engine", List.of("twin-engine-1:8083", "twin-engine-2:8083"))
        .containsEntry("alerting", List.of("alerting:8082"))
        .containsEntry("fleet-simulator", List.of("simulator:8085"));
    assertThat(targets.keySet()).containsAll(new HashSet<>(PrometheusScrapeSystemTest.documentedMeters().values()));

    // The compose services behind the targets exist.
    Map<String, Object> services = map(yaml(Files.readString(DEPLOY.resolve("compose/docker-compose.yml")))
        .get(0).get("services"));
    targets.values().stream().flatMap(List::stream).filter(t -> !t.startsWith("localhost"))
        .forEach(t -> assertThat(services).containsKey(t.substring(0, t.indexOf(':'))));

    // Each target's port is the one its service listens on: the compose environment's port variable.
    Map<String, String> portVariable = Map.of("gateway", "GATEWAY_PORT", "twin-engine-1", "TWIN_PORT",
        "twin-engine-2", "TWIN_PORT", "alerting", "ALERTING_PORT", "simulator", "SIM_METRICS_PORT");
    targets.values().stream().flatMap(List::stream).filter(t -> !t.startsWith("localhost")).forEach(t -> {
      String service = t.substring(0, t.indexOf(':'));
      Map<String, Object> env = map(map(services.get(service)).get("environment"));
      assertThat(String.valueOf(env.get(portVariable.get(service)))).as("port of " + t)
          .isEqualTo(t.substring(t.indexOf(':') + 1));
    });
    // The simulator image listens there by default too, exposes the port, and its health check reads it.
    String simulatorImage = Files.readString(DEPLOY.resolve("images/fleet-simulator/Dockerfile"));
    assertThat(simulatorImage).contains("SIM_METRICS_PORT=8085").containsPattern("(?m)^EXPOSE 8085$")
        .containsPattern("(?s)HEALTHCHECK .*http-ok \"\\$SIM_METRICS_PORT\" /health");
  }

  @Test
  void grafanaDashboardsQueryDocumentedMetersThroughProvisionedDataSources() throws Exception {
    Map<String, Object> datasources = yaml(Files.readString(
        DEPLOY.resolve("grafana/provisioning/datasources/datasources.yml"))).get(0);
    Set<String> uids = new TreeSet<>();
    for (Object ds : (List<?>) datasources.get("datasources")) {
      uids.add(String.valueOf(map(ds).get("uid")));
    }
    String readmeMetrics = readmeMetricsSection();
    Set<String> titles = new TreeSet<>();
    Set<String> meters = new TreeSet<>();
    List<Path> dashboards;
    try (Stream<Path> files = Files.list(DEPLOY.resolve("grafana/dashboards"))) {
      dashboards = files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(dashboards).hasSizeGreaterThanOrEqualTo(2);
    Pattern meter = Pattern.compile("\\b((?:gateway|twin|alerting|kafka)_[a-z_]+)");
    for (Path file : dashboards) {
      JsonNode dashboard = json.readTree(file.toFile());
      assertThat(dashboard.path("uid").asText()).as(file.toString()).isNotBlank();
      for (JsonNode panel : dashboard.path("panels")) {
        if (panel.path("type").asText().equals("row")) {
          continue;
        }
        titles.add(panel.path("title").asText());
        assertThat(uids).as("data source of " + panel.path("title")).contains(panel.path("datasource").path("uid").asText());
        for (JsonNode target : panel.path("targets")) {
          if (target.has("expr")) {
            Matcher m = meter.matcher(target.path("expr").asText());
            while (m.find()) {
              meters.add(m.group(1));
            }
          } else {
            assertThat(target.path("url").asText()).as(panel.path("title").asText())
                .matches("http://twin-engine-1:8083/v1/pumps\\?(risk=(WATCH|LIKELY|URGENT)|refillDueBefore=\\$\\{__to:date:iso})&limit=10000");
          }
        }
      }
    }
    assertThat(titles).as("panels the issue asks for")
        .anyMatch(t -> t.contains("URGENT risk")).anyMatch(t -> t.contains("Refills due this week"))
        .anyMatch(t -> t.startsWith("Alert")).anyMatch(t -> t.startsWith("Telemetry events per second"))
        .anyMatch(t -> t.startsWith("Twin engine: telemetry per second")).anyMatch(t -> t.startsWith("Consumer lag"));
    for (String name : meters) {
      if (name.startsWith("kafka_")) {
        // The Kafka clients' own metrics (README: "and the JVM's and Kafka clients' own").
        assertThat(name).matches("kafka_(consumer|stream)_[a-z_]+");
      } else {
        String base = name.replaceAll("_(bucket|count|sum|max)$", "");
        assertThat(readmeMetrics).as("README Metrics section documents " + name).contains("`" + base);
      }
    }
  }

  @Test
  void kubernetesManifestsDeclareEveryTopicAsTopicsDoesAndEveryContainerHasProbesAndRequests() throws Exception {
    Map<String, List<Map<String, Object>>> byKind = new HashMap<>();
    List<Path> files;
    try (Stream<Path> list = Files.list(DEPLOY.resolve("k8s"))) {
      files = list.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
    }
    for (Path file : files) {
      for (Map<String, Object> doc : yaml(Files.readString(file))) {
        assertThat(doc).as(file.toString()).containsKeys("apiVersion", "kind");
        byKind.computeIfAbsent(String.valueOf(doc.get("kind")), k -> new ArrayList<>()).add(doc);
      }
    }
    // kustomization.yaml lists every other manifest.
    Map<String, Object> kustomization = byKind.get("Kustomization").get(0);
    assertThat((List<?>) kustomization.get("resources")).map(String::valueOf).containsExactlyInAnyOrderElementsOf(
        files.stream().map(f -> f.getFileName().toString()).filter(n -> !n.equals("kustomization.yaml")).toList());

    // Strimzi: KRaft, separate controller and broker pools, durability as in the compose stack.
    Map<String, Object> kafka = byKind.get("Kafka").get(0);
    assertThat(map(map(kafka.get("metadata")).get("annotations")))
        .containsEntry("strimzi.io/kraft", "enabled").containsEntry("strimzi.io/node-pools", "enabled");
    Map<String, Object> brokerConfig = map(map(map(kafka.get("spec")).get("kafka")).get("config"));
    assertThat(brokerConfig).containsEntry("default.replication.factor", 3).containsEntry("min.insync.replicas", 2)
        .containsEntry("transaction.state.log.replication.factor", 3).containsEntry("transaction.state.log.min.isr", 2);
    Map<String, Object> pools = new HashMap<>();
    byKind.get("KafkaNodePool").forEach(p -> pools.put(String.valueOf(map(p.get("metadata")).get("name")),
        map(p.get("spec")).get("roles")));
    assertThat(pools).containsEntry("controllers", List.of("controller")).containsEntry("brokers", List.of("broker"));

    // Every topic of Topics, as Topics declares it.
    Map<String, Map<String, Object>> topics = new HashMap<>();
    for (Map<String, Object> t : byKind.get("KafkaTopic")) {
      Map<String, Object> spec = map(t.get("spec"));
      topics.put(String.valueOf(spec.get("topicName")), spec);
    }
    assertThat(topics.keySet()).containsExactlyInAnyOrderElementsOf(Topics.ALL.stream().map(TopicSpec::name).toList());
    for (TopicSpec<?> spec : Topics.ALL) {
      Map<String, Object> t = topics.get(spec.name());
      assertThat(t.get("partitions")).as(spec.name()).isEqualTo(spec.partitions());
      assertThat(t.get("replicas")).as(spec.name()).isEqualTo(3);
      Map<String, Object> config = map(t.get("config"));
      spec.configs().forEach((k, v) -> assertThat(config).as(spec.name()).containsEntry(k, v));
      assertThat(config).as(spec.name()).containsEntry("min.insync.replicas", "2");
    }

    // The twin engine: a StatefulSet with a volume per instance, standby replicas, and a headless
    // service publishing not-ready pods for interactive-query routing.
    Map<String, Object> engine = byKind.get("StatefulSet").stream()
        .filter(s -> map(s.get("metadata")).get("name").equals("twin-engine")).findFirst().orElseThrow();
    Map<String, Object> engineSpec = map(engine.get("spec"));
    assertThat((List<?>) engineSpec.get("volumeClaimTemplates")).isNotEmpty();
    Map<String, Object> headless = byKind.get("Service").stream()
        .filter(s -> map(s.get("metadata")).get("name").equals(engineSpec.get("serviceName"))).findFirst()
        .orElseThrow();
    assertThat(map(headless.get("spec"))).containsEntry("clusterIP", "None")
        .containsEntry("publishNotReadyAddresses", true);
    Map<String, String> engineEnv = env(containers(engine).get(0));
    assertThat(Integer.parseInt(engineEnv.get("TWIN_STANDBY_REPLICAS"))).isGreaterThanOrEqualTo(1);
    assertThat(engineEnv.get("TWIN_APPLICATION_SERVER")).contains("twin-engine-headless");
    assertThat(engineEnv).containsKey("STAFF_TOKENS_FILE");

    List<String> deployments = byKind.get("Deployment").stream()
        .map(d -> String.valueOf(map(d.get("metadata")).get("name"))).toList();
    assertThat(deployments).contains("gateway", "alerting");
    List<Map<String, Object>> workloads = new ArrayList<>(byKind.get("Deployment"));
    workloads.addAll(byKind.get("StatefulSet"));
    for (Map<String, Object> workload : workloads) {
      for (Map<String, Object> c : containers(workload)) {
        assertThat(c).as("container %s", c.get("name")).containsKeys("readinessProbe", "livenessProbe");
        assertThat(map(map(c.get("resources")).get("requests"))).as("requests of %s", c.get("name"))
            .containsKeys("cpu", "memory");
        assertThat(map(map(c.get("resources")).get("limits"))).as("limits of %s", c.get("name"))
            .containsKey("memory");
      }
    }
  }

  private static List<Map<String, Object>> containers(Map<String, Object> workload) {
    List<Map<String, Object>> containers = new ArrayList<>();
    Map<String, Object> podSpec = map(map(map(workload.get("spec")).get("template")).get("spec"));
    ((List<?>) podSpec.get("containers")).forEach(c -> containers.add(map(c)));
    return containers;
  }

  private static Map<String, String> env(Map<String, Object> container) {
    Map<String, String> env = new HashMap<>();
    for (Object e : (List<?>) container.get("env")) {
      Map<String, Object> var = map(e);
      if (var.containsKey("value")) {
        env.put(String.valueOf(var.get("name")), String.valueOf(var.get("value")));
      }
    }
    return env;
  }

  /** {@code pumptwin/<name>:<tag>} is one of the images deploy/images/build.sh builds, under a tag it gives. */
  private void assertBuiltByBuildSh(String image) {
    try {
      String script = Files.readString(DEPLOY.resolve("images/build.sh"));
      Set<String> built = new TreeSet<>();
      Matcher m = Pattern.compile("(?m)^build ([a-z-]+)$").matcher(script);
      while (m.find()) {
        built.add("pumptwin/" + m.group(1));
      }
      assertThat(built).as("images build.sh builds").contains("pumptwin/telemetry-gateway", "pumptwin/kafka");
      // build.sh tags each image with the project version (PUMPTWIN_IMAGE_TAG to override) and latest.
      assertThat(script).contains("-t \"pumptwin/$name:$tag\" -t \"pumptwin/$name:latest\"")
          .contains("tag=\"${PUMPTWIN_IMAGE_TAG:-$version}\"");
      String name = image.substring(0, image.lastIndexOf(':'));
      String tag = image.substring(image.lastIndexOf(':') + 1);
      assertThat(built).as("image " + image).contains(name);
      assertThat(tag).as("tag of " + image).isIn(projectVersion(), "latest");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The project version, as build.sh reads it from the parent pom. */
  private static String projectVersion() throws IOException {
    Matcher m = Pattern.compile("(?m)^  <version>(.*)</version>$").matcher(Files.readString(Path.of("..", "pom.xml")));
    assertThat(m.find()).isTrue();
    return m.group(1);
  }

  private static String readmeMetricsSection() throws IOException {
    String readme = Files.readString(Path.of("..", "README.md"));
    int start = readme.indexOf("\n## Metrics\n");
    assertThat(start).isGreaterThanOrEqualTo(0);
    int end = readme.indexOf("\n## ", start + 1);
    return readme.substring(start, end < 0 ? readme.length() : end);
  }

  /** Every document of a YAML file (anchors, aliases and merge keys resolved, as compose and kubectl do). */
  private static List<Map<String, Object>> yaml(String text) {
    List<Map<String, Object>> docs = new ArrayList<>();
    for (Object doc : new Yaml(new LoaderOptions()).loadAll(text)) {
      if (doc != null) {
        docs.add(map(doc));
      }
    }
    return docs;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object o) {
    assertThat(o).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }
}
