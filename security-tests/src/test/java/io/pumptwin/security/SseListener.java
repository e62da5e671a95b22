package io.pumptwin.security;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A live stream (server-sent events) read line by line in the background, as a browser would. */
final class SseListener implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final HttpResponse<Stream<String>> response;
  private final Thread reader;

  private SseListener(HttpResponse<Stream<String>> response) {
    this.response = response;
    this.reader = new Thread(() -> {
      try (Stream<String> body = response.body()) {
        body.forEach(lines::add);
      } catch (RuntimeException closed) {
        // the test closed the stream
      }
    }, "sse-listener");
    reader.setDaemon(true);
    reader.start();
  }

  static SseListener open(HttpClient http, String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
    headers.forEach(request::header);
    CompletableFuture<HttpResponse<Stream<String>>> response =
        http.sendAsync(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
    return new SseListener(response.get(30, TimeUnit.SECONDS));
  }

  int status() {
    return response.statusCode();
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  /** Waits until a line matches; false if none did within the wait. */
  boolean await(Predicate<String> line, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() < deadline) {
      if (lines.stream().anyMatch(line)) {
        return true;
      }
      Thread.sleep(100); // polling what the background reader collected, bounded by the wait
    }
    return lines.stream().anyMatch(line);
  }

  @Override
  public void close() {
    reader.interrupt();
    response.body().close();
  }
}
