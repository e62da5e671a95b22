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
 *
 * <p>Every request under {@code /v1/} carries a staff token ({@code Authorization: Bearer <token>}, from the
 * staff token file of the alert API and the dashboard); a pump of a clinic not on the token answers 404, as
 * if it did not exist, and a fleet query sees only the token's clinics. An instance asking another passes the
 * caller's token on, so each instance checks it again.
 */
public final class TwinQueryApi {
    private static final Logger log = LoggerFactory.getLogger(TwinQueryApi.class);
    private static final String JSON = "application/json";

    private final KafkaStreams streams;
    private final HostInfo self;
    private final TwinModelParameters model;
    /** The model's digest, taken once: the fleet query maps every twin it reads. */
    private final String parametersDigest;
    private final ObjectMapper mapper = new ObjectMapper();
    private static final String STAFF = "staff";
    private static final String AUTHORIZATION = "Authorization";

    private final QueryAccess access;
    private final HttpClient http;
    private final String peerScheme;

    /** A single instance's or tests' API: plain HTTP between instances, nobody authorized. */
    public TwinQueryApi(KafkaStreams streams, HostInfo self, TwinModelParameters model) {
        this(streams, self, model, QueryAccess.none(), null);
    }

    /**
     * @param self this instance's application.server, or null when it runs alone
     * @param access who may query, and which clinics' pumps
     * @param peerTls TLS context for calls to other instances (they serve HTTPS too), or null for plain HTTP
     */
    public TwinQueryApi(KafkaStreams streams, HostInfo self, TwinModelParameters model, QueryAccess access,
            javax.net.ssl.SSLContext peerTls) {
        this.streams = streams;
        this.self = self;
        this.model = model;
        this.parametersDigest = model.digest();
        this.access = access;
        HttpClient.Builder client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2));
        if (peerTls != null) {
            client.sslContext(peerTls);
        }
        this.http = client.build();
        this.peerScheme = peerTls == null ? "http" : "https";
    }

    public void register(Javalin app) {
        app.before("/v1/*", this::authenticate);
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

    private void authenticate(Context ctx) {
        String header = ctx.header(AUTHORIZATION);
        String token = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7) : null;
        QueryAccess.Staff staff = access.authenticate(token).orElse(null);
        if (staff == null) {
            log.info("twin query refused status=401 reason={} path={}", token == null ? "NO_TOKEN" : "UNKNOWN_TOKEN",
                    ctx.path());
            ctx.header("WWW-Authenticate", "Bearer");
            problem(ctx, 401, "a valid staff token is required (Authorization: Bearer <token>)");
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(STAFF, staff);
    }

    private void pump(Context ctx) throws IOException, InterruptedException {
        QueryAccess.Staff staff = ctx.attribute(STAFF);
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
        ReadOnlyKeyValueStore<String, byte[]> colds = localStore(ctx, TwinTopology.COLD_STORE);
        if (colds == null) {
            return;
        }
        io.pumptwin.twin.PumpTwin stored = TwinTopology.storedTwin(serial, store.get(serial), colds::get, store::get,
                model);
        TwinState twin = stored == null ? null : TwinMapping.toTwinState(stored, parametersDigest);
        // Another clinic's pump answers exactly like an unknown one: the caller learns nothing about it.
        if (twin == null || !staff.maySee(twin.getClinicId())) {
            problem(ctx, 404, "no twin for pump " + serial + " in your clinics");
            return;
        }
        ctx.contentType(JSON).result(mapper.writeValueAsBytes(TwinJson.of(twin)));
    }

    private void fleet(Context ctx) throws IOException, InterruptedException {
        QueryAccess.Staff staff = ctx.attribute(STAFF);
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
        ReadOnlyKeyValueStore<String, byte[]> colds = store == null ? null : localStore(ctx, TwinTopology.COLD_STORE);
        if (colds == null) {
            return;
        }
        List<ObjectNode> twins = new ArrayList<>();
        try (KeyValueIterator<String, byte[]> it = store.all()) {
            while (it.hasNext()) {
                KeyValue<String, byte[]> kv = it.next();
                io.pumptwin.twin.PumpTwin stored = TwinTopology.storedTwin(kv.key, kv.value, colds::get, store::get,
                        model);
                if (stored == null) {
                    continue; // the pump's twin went between the iterator's read and the retry's
                }
                TwinState twin = TwinMapping.toTwinState(stored, parametersDigest);
                if (staff.maySee(twin.getClinicId()) && query.matches(twin)) {
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
                HttpResponse<byte[]> response = get(instance.hostInfo(), forwarded, ctx.header(AUTHORIZATION));
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
        return localStore(ctx, TwinTopology.TWIN_STORE);
    }

    private ReadOnlyKeyValueStore<String, byte[]> localStore(Context ctx, String name) {
        try {
            return streams.store(StoreQueryParameters.fromNameAndType(name,
                    QueryableStoreTypes.<String, byte[]>keyValueStore()));
        } catch (InvalidStateStoreException e) {
            problem(ctx, 503, "twin store not queryable yet: " + e.getMessage());
            return null;
        }
    }

    private void relay(Context ctx, HostInfo owner, String path) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = get(owner, path, ctx.header(AUTHORIZATION));
        ctx.status(response.statusCode()).contentType(response.headers().firstValue("Content-Type").orElse(JSON))
                .header("X-Twin-Instance", owner.host() + ":" + owner.port()).result(response.body());
    }

    private HttpResponse<byte[]> get(HostInfo host, String path, String authorization)
            throws IOException, InterruptedException {
        URI uri = URI.create(peerScheme + "://" + host.host() + ":" + host.port() + path);
        log.debug("twin query routed to={} path={}", host, path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET();
        if (authorization != null) {
            request.header(AUTHORIZATION, authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private void problem(Context ctx, int status, String detail) {
        ObjectNode node = mapper.createObjectNode();
        node.put("status", status);
        node.put("detail", detail);
        ctx.status(status).contentType("application/problem+json").result(node.toString());
    }
}
