package io.pumptwin.gateway.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.gateway.validation.Rejection;
import java.util.List;

/**
 * An RFC 9457 problem document ({@code application/problem+json}). Beyond the standard members it
 * carries {@code field}, {@code code} and {@code reason} of the first rejection and {@code errors}
 * with all of them, so a client program can act on the field and a person can read the reason.
 */
record Problem(String slug, String title, int status, String detail, List<Rejection> errors) {
  static final String MEDIA_TYPE = "application/problem+json";
  private static final String TYPE_PREFIX = "urn:pumptwin:problem:";

  Problem {
    errors = List.copyOf(errors);
  }

  static Problem of(String slug, String title, int status, String detail) {
    return new Problem(slug, title, status, detail, List.of());
  }

  static Problem invalid(List<Rejection> errors) {
    Rejection first = errors.get(0);
    return new Problem("invalid-telemetry", "Telemetry refused", 400, first.describe(), errors);
  }

  ObjectNode toJson(ObjectMapper json) {
    ObjectNode node = json.createObjectNode();
    node.put("type", TYPE_PREFIX + slug);
    node.put("title", title);
    node.put("status", status);
    if (detail != null) {
      node.put("detail", detail);
    }
    if (!errors.isEmpty()) {
      Rejection first = errors.get(0);
      if (first.field() != null) {
        node.put("field", first.field());
      }
      node.put("code", first.code().name());
      node.put("reason", first.reason());
      ArrayNode list = node.putArray("errors");
      for (Rejection r : errors) {
        ObjectNode e = list.addObject();
        if (r.field() != null) {
          e.put("field", r.field());
        }
        e.put("code", r.code().name());
        e.put("reason", r.reason());
      }
    }
    return node;
  }
}
