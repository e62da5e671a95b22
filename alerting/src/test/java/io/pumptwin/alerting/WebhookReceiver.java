package io.pumptwin.alerting;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP receiver on 127.0.0.1 for webhook tests. Each path answers with a programmable
 * status sequence: {@code failFirst} times {@code failStatus}, then 200.
 */
public final class WebhookReceiver implements AutoCloseable {
  public record Received(String path, Map<String, List<String>> headers, String body) {
    public String header(String name) {
      return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
          .map(e -> e.getValue().get(0)).findFirst().orElse(null);
    }
  }

  private final HttpServer server;
  private final List<Received> received = new CopyOnWriteArrayList<>();

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.start();
  }

  public URI endpoint(String path, int failFirst, int failStatus) {
    AtomicInteger calls = new AtomicInteger();
    server.createContext(path, exchange -> {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      received.add(new Received(path, Map.copyOf(exchange.getRequestHeaders()), body));
      int status = calls.incrementAndGet() <= failFirst ? failStatus : 200;
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  public List<Received> received(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
