package io.pumptwin.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The on-call team's webhook endpoint, a real HTTP server on 127.0.0.1 that answers 200 and keeps
 * every delivery it received, as the CloudEvent the alerting service sends.
 */
final class WebhookReceiver implements AutoCloseable {
  /** One delivery: the CloudEvent id (the notification's idempotency key) and what it is about. */
  record Delivery(String id, String subject, String type, String time) {
    /** The notification without its id: equal across two runs over the same input. */
    String about() {
      return subject + " " + type + " " + time;
    }
  }

  private final ObjectMapper json = new ObjectMapper();
  private final HttpServer server;
  private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

  WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext("/on-call", exchange -> {
      JsonNode ce = json.readTree(exchange.getRequestBody().readAllBytes());
      deliveries.add(new Delivery(ce.path("id").asText(), ce.path("subject").asText(),
          ce.path("type").asText(), ce.path("time").asText()));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/on-call");
  }

  List<Delivery> deliveries() {
    return List.copyOf(deliveries);
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
