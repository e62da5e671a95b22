package io.pumptwin.simulator.scenario;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Reads a scenario by name (a file shipped in {@code scenarios/}) or by path, merged over the shipped
 * defaults so a scenario file states only what makes it different.
 */
public final class ScenarioLoader {

    /** The scenarios shipped with the simulator; each shows a signature the twin must detect. */
    public static final List<String> SHIPPED = List.of("nominal-fleet", "missed-refill", "occlusion",
            "silent-disconnection", "battery-advisory", "motor-stall", "pocket-fill", "wrong-concentration", "local-demo", "high-dose-motor-stall",
            "communicator-outage", "wrong-serial-explant", "wrong-serial-explant-stall", "communicator-backlog-stall",
            "communicator-outage-stall");

    private static final String DEFAULTS = "defaults";

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** A shipped scenario name, or a path to a YAML file. */
    public Scenario load(String nameOrPath) {
        JsonNode defaults = readResource(DEFAULTS);
        JsonNode scenario;
        Path path = Path.of(nameOrPath);
        if (nameOrPath.endsWith(".yaml") || nameOrPath.endsWith(".yml") || Files.isRegularFile(path)) {
            try (InputStream in = Files.newInputStream(path)) {
                scenario = yaml.readTree(in);
            } catch (IOException e) {
                throw new InvalidScenarioException(nameOrPath, "file", "cannot be read: " + e.getMessage(), e);
            }
        } else {
            scenario = readResource(nameOrPath);
        }
        ObjectNode merged = defaults.deepCopy();
        merge(merged, scenario);
        try {
            return yaml.treeToValue(merged, Scenario.class).validated();
        } catch (IOException | IllegalArgumentException e) {
            throw new InvalidScenarioException(nameOrPath, "content", "does not map to a scenario: " + e.getMessage(), e);
        }
    }

    private JsonNode readResource(String name) {
        String resource = "/scenarios/" + name + ".yaml";
        try (InputStream in = ScenarioLoader.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new InvalidScenarioException(name, "name", "is not a shipped scenario; shipped: " + SHIPPED);
            }
            return yaml.readTree(in);
        } catch (IOException e) {
            throw new InvalidScenarioException(name, "file", "cannot be read: " + e.getMessage(), e);
        }
    }

    /** Objects merge field by field; anything else (numbers, lists) in the scenario replaces the default. */
    private static void merge(ObjectNode target, JsonNode overlay) {
        if (overlay == null || !overlay.isObject()) {
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = overlay.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode existing = target.get(field.getKey());
            if (existing != null && existing.isObject() && field.getValue().isObject()) {
                merge((ObjectNode) existing, field.getValue());
            } else {
                target.set(field.getKey(), field.getValue());
            }
        }
    }
}
