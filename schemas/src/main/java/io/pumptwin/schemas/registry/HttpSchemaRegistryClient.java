package io.pumptwin.schemas.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.schemas.registry.SchemaRegistryException.IncompatibleSchema;
import io.pumptwin.schemas.registry.SchemaRegistryException.RegistryUnavailable;
import io.pumptwin.schemas.registry.SchemaRegistryException.RequestRejected;
import io.pumptwin.schemas.registry.SchemaRegistryException.SchemaNotRegistered;
import io.pumptwin.schemas.registry.SchemaRegistryException.SubjectNotFound;
import io.pumptwin.schemas.registry.SchemaRegistryException.Unauthorized;
import io.pumptwin.schemas.registry.SchemaRegistryException.UnknownSchemaId;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client for the Confluent Schema Registry REST API over the JDK's HTTP client. Written by hand
 * because Confluent's client is not on Maven Central; it covers register, lookup, fetch by id,
 * latest version and compatibility checks, with caching of ids and schemas (immutable once
 * registered, so caching them forever is correct) and bounded retries with exponential backoff when
 * the registry is unreachable or answers 5xx.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
  private static final Logger log = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  /** Confluent error codes that distinguish a missing subject from a missing schema (both 404). */
  private static final int SUBJECT_NOT_FOUND = 40401;
  private static final int VERSION_NOT_FOUND = 40402;

  private final RegistrySettings settings;
  private final HttpClient http;
  private final ObjectMapper json = new ObjectMapper();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();
  private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();

  public HttpSchemaRegistryClient(RegistrySettings settings) {
    this.settings = settings;
    this.http = HttpClient.newBuilder().connectTimeout(settings.requestTimeout()).build();
  }

  @Override
  public int register(String subject, Schema schema) {
    return idsBySubjectAndSchema.computeIfAbsent(cacheKey(subject, schema), k -> {
      JsonNode body = call("POST", "/subjects/" + encode(subject) + "/versions", schemaBody(schema),
          status -> status == 409 ? new IncompatibleSchema(subject, "registry answered 409") : null);
      int id = body.path("id").asInt(-1);
      schemasById.putIfAbsent(id, schema);
      log.info("schema registered subject={} id={}", subject, id);
      return id;
    });
  }

  @Override
  public int idOf(String subject, Schema schema) {
    return idsBySubjectAndSchema.computeIfAbsent(cacheKey(subject, schema), k -> {
      JsonNode body = call("POST", "/subjects/" + encode(subject), schemaBody(schema),
          status -> status == 404 ? new SchemaNotRegistered(subject) : null);
      int id = body.path("id").asInt(-1);
      schemasById.putIfAbsent(id, schema);
      return id;
    });
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode body = call("GET", "/schemas/ids/" + id, null,
        status -> status == 404 ? new UnknownSchemaId(id) : null);
    Schema schema = new Schema.Parser().parse(body.path("schema").asText());
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  @Override
  public RegisteredSchema latest(String subject) {
    JsonNode body = call("GET", "/subjects/" + encode(subject) + "/versions/latest", null,
        status -> status == 404 ? new SubjectNotFound(subject) : null);
    Schema schema = new Schema.Parser().parse(body.path("schema").asText());
    int id = body.path("id").asInt();
    schemasById.putIfAbsent(id, schema);
    return new RegisteredSchema(subject, id, body.path("version").asInt(), schema);
  }

  @Override
  public boolean isCompatible(String subject, Schema schema) {
    try {
      JsonNode body = call("POST",
          "/compatibility/subjects/" + encode(subject) + "/versions/latest", schemaBody(schema),
          status -> status == 404 ? new SubjectNotFound(subject) : null);
      return body.path("is_compatible").asBoolean(false);
    } catch (SubjectNotFound noVersionsYet) {
      // A subject with no versions accepts any first schema.
      return true;
    }
  }

  @Override
  public List<String> subjects() {
    JsonNode body = call("GET", "/subjects", null, status -> null);
    List<String> subjects = new ArrayList<>();
    body.forEach(n -> subjects.add(n.asText()));
    return subjects;
  }

  @Override
  public void setCompatibility(String subject, String level) {
    String path = subject == null ? "/config" : "/config/" + encode(subject);
    call("PUT", path, json.createObjectNode().put("compatibility", level).toString(), status -> null);
    log.info("compatibility set subject={} level={}", subject == null ? "(global)" : subject, level);
  }

  private String schemaBody(Schema schema) {
    ObjectNode node = json.createObjectNode();
    node.put("schema", schema.toString());
    node.put("schemaType", "AVRO");
    return node.toString();
  }

  private static String cacheKey(String subject, Schema schema) {
    return subject + "#" + SchemaNormalization.parsingFingerprint64(schema);
  }

  private static String encode(String subject) {
    return URLEncoder.encode(subject, StandardCharsets.UTF_8);
  }

  /** Maps a status to a specific error for this call, or null for the generic handling. */
  private interface StatusMapper {
    SchemaRegistryException map(int status);
  }

  private JsonNode call(String method, String path, String body, StatusMapper mapper) {
    URI uri = URI.create(settings.baseUrl() + path);
    HttpRequest.Builder request = HttpRequest.newBuilder(uri)
        .timeout(settings.requestTimeout())
        .header("Accept", CONTENT_TYPE)
        .method(method, body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (body != null) {
      request.header("Content-Type", CONTENT_TYPE);
    }
    settings.credentials().authorizationHeader().ifPresent(h -> request.header("Authorization", h));

    Duration backoff = settings.initialBackoff();
    Exception last = null;
    for (int attempt = 1; attempt <= settings.maxAttempts(); attempt++) {
      try {
        HttpResponse<String> response =
            http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
          return json.readTree(response.body());
        }
        if (status >= 500) {
          last = new IOException("HTTP " + status + ": " + truncate(response.body()));
        } else {
          throw clientError(uri, status, response.body(), mapper);
        }
      } catch (IOException e) {
        last = e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new RegistryUnavailable(uri.toString(), attempt, e);
      }
      if (attempt < settings.maxAttempts()) {
        log.warn("schema registry call failed, retrying url={} attempt={} error={}", uri, attempt,
            last.toString());
        sleep(backoff);
        backoff = backoff.multipliedBy(2);
      }
    }
    throw new RegistryUnavailable(uri.toString(), settings.maxAttempts(), last);
  }

  private SchemaRegistryException clientError(URI uri, int status, String body,
      StatusMapper mapper) {
    if (status == 401 || status == 403) {
      return new Unauthorized(uri.toString(), status);
    }
    int errorCode = errorCode(body);
    if (status == 404 && errorCode == SUBJECT_NOT_FOUND && uri.getPath().contains("/subjects/")) {
      String subject = uri.getPath().replaceAll(".*/subjects/([^/]+).*", "$1");
      return new SubjectNotFound(java.net.URLDecoder.decode(subject, StandardCharsets.UTF_8));
    }
    if (status == 404 && errorCode == VERSION_NOT_FOUND) {
      return new SubjectNotFound(uri.getPath());
    }
    SchemaRegistryException mapped = mapper.map(status);
    return mapped != null ? mapped : new RequestRejected(uri.toString(), status, truncate(body));
  }

  private int errorCode(String body) {
    try {
      return json.readTree(body).path("error_code").asInt(-1);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  private static String truncate(String s) {
    return s == null ? "" : s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // backoff between registry retries, bounded by maxAttempts
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
