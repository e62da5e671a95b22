package io.pumptwin.twin.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.pumptwin.events.TwinState;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.topology.TwinTopology;
import io.pumptwin.twin.wire.TwinMapping;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The twin query API, answered from the Kafka Streams store of this instance and, for pumps another
 * instance owns, from that instance (interactive queries: {@code application.server} and the streams
 * metadata say who owns which pump).
 *
 * <ul>
 *   <li>{@code GET /v1/pumps/{serial}}: the twin as JSON, with its evidence and provenance; 404 if unknown</li>
 *   <li>{@code GET /v1/pumps?clinic=&risk=&refillDueBefore=&limit=}: fleet query over all instances</li>
 * </ul>
 * {@code local=true} answers from this instance only; instances use it when they ask each other.
 */
public final class TwinQueryApi {
    private static final Logger log = LoggerFactory.getLogger(TwinQueryApi.class);
    private static final String JSON = "application/json";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final TwinModelParameters model;
    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    /** @param self this instance's application.server, or null when it runs alone */
    public TwinQueryApi(KafkaStreams streams, HostInfo self, TwinModelParameters model) {
        this.streams = streams;
        this.self = self;
        this.model = model;
    }

    public void register(Javalin app) {
        app.get("/v1/pumps/{serial}", this::pump);
        app.get("/v1/pumps", this::fleet);
        // The store can become unqueryable between opening it and reading it (a rebalance starts), and the owner
        // of a pump can be unreachable (it just died; its tasks move after the session timeout): both pass, so the
        // client is told to ask again, not that the server failed.
        app.exception(InvalidStateStoreException.class, (e, ctx) -> problem(ctx, 503,
                "twin store not queryable now (rebalancing or restoring): " + e.getMessage()));
        app.exception(IOException.class, (e, ctx) -> problem(ctx, 503,
                "the instance that owns this twin cannot be reached now: " + e));
    }

    private void pump(Context ctx) throws IOException, InterruptedException {
        String serial = ctx.pathParam("serial");
        boolean localOnly = "true".equals(ctx.queryParam("local"));
        if (!localOnly && self != null) {
            KeyQueryMetadata owner = streams.queryMetadataForKey(TwinTopology.TWIN_STORE, serial,
                    Serdes.String().serializer());
            if (owner == null || owner.equals(KeyQueryMetadata.NOT_AVAILABLE)) {
                problem(ctx, 503, "twin store not available yet (rebalancing or restoring)");
                return;
            }
            if (!owner.activeHost().equals(self)) {
                relay(ctx, owner.activeHost(), "/v1/pumps/" + URLEncoder.encode(serial, StandardCharsets.UTF_8)
                        + "?local=true");
                return;
            }
        }
        ReadOnlyKeyValueStore<String, byte[]> store = localStore(ctx);
        if (store == null) {
            return;
        }
        byte[] value = store.get(serial);
        if (value == null) {
            problem(ctx, 404, "no twin for pump " + serial);
            return;
        }
        ctx.contentType(JSON).result(mapper.writeValueAsBytes(TwinJson.of(TwinMapping.toTwinState(TwinTopology.storedTwin(value, model)))));
    }

    private void fleet(Context ctx) throws IOException, InterruptedException {
        Map<String, String> params = new HashMap<>();
        ctx.queryParamMap().forEach((k, v) -> params.put(k, v.isEmpty() ? null : v.get(0)));
        FleetQuery query;
        try {
            query = FleetQuery.parse(params);
        } catch (IllegalArgumentException e) {
            problem(ctx, 400, e.getMessage());
            return;
        }
        ReadOnlyKeyValueStore<String, byte[]> store = localStore(ctx);
        if (store == null) {
            return;
        }
        List<ObjectNode> twins = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                TwinState twin = TwinMapping.toTwinState(TwinTopology.storedTwin(kv.value, model));
                if (query.matches(twin)) {
                    twins.add(TwinJson.of(twin));
                }
            }
        }
        if (!"true".equals(ctx.queryParam("local")) && self != null) {
            String forwarded = "/v1/pumps?local=true" + (ctx.queryString() == null ? "" : "&" + ctx.queryString());
            for (StreamsMetadata instance : streams.metadataForAllStreamsClients()) {
                if (instance.hostInfo().equals(self)) {
                    continue;
                }
                HttpResponse<byte[]> response = get(instance.hostInfo(), forwarded);
                if (response.statusCode() != 200) {
                    problem(ctx, 502, "instance " + instance.hostInfo() + " answered " + response.statusCode());
                    return;
                }
                for (JsonNode twin : mapper.readTree(response.body()).path("pumps")) {
                    twins.add((ObjectNode) twin);
                }
            }
        }
        twins.sort(Comparator.comparing(t -> t.path("pumpSerial").asText()));
        ArrayNode page = mapper.createArrayNode();
        twins.stream().limit(query.limit()).forEach(page::add);
        ObjectNode body = mapper.createObjectNode();
        body.put("count", page.size());
        body.put("truncated", twins.size() > query.limit());
        body.set("pumps", page);
        ctx.contentType(JSON).result(mapper.writeValueAsBytes(body));
    }

    private ReadOnlyKeyValueStore<String, byte[]> localStore(Context ctx) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(TwinTopology.TWIN_STORE,
                    QueryableStoreTypes.<String, byte[]>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            problem(ctx, 503, "twin store not queryable yet: " + e.getMessage());
            return null;
        }
    }

    private void relay(Context ctx, HostInfo owner, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(owner, path);
        ctx.status(response.statusCode()).contentType(response.headers().firstValue("Content-Type").orElse(JSON))
                .header("X-Twin-Instance", owner.host() + ":" + owner.port()).result(response.body());
    }

    private HttpResponse<byte[]> get(HostInfo host, String path) throws IOException, InterruptedException {
        URI uri = URI.create("http://" + host.host() + ":" + host.port() + path);
        log.debug("twin query routed to={} path={}", host, path);
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private void problem(Context ctx, int status, String detail) {
        ObjectNode node = mapper.createObjectNode();
        node.put("status", status);
        node.put("detail", detail);
        ctx.status(status).contentType("application/problem+json").result(node.toString());
    }
}
