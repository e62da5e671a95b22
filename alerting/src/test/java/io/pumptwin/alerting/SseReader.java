package io.pumptwin.alerting;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Reads a server-sent-event stream in the background, collecting the data lines. */
public final class SseReader implements AutoCloseable {
  private final List<String> data = new CopyOnWriteArrayList<>();
  private final Thread thread;
  private volatile int status = -1;
  private volatile HttpResponse<java.io.InputStream> response;

  public SseReader(URI uri, String token) {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
        .header("Accept", "text/event-stream").GET().build();
    thread = new Thread(() -> {
      try {
        response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
        status = response.statusCode();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
          String line;
          while ((line = r.readLine()) != null) {
            if (line.startsWith("data:")) {
              data.add(line.substring(5).trim());
            }
          }
        }
      } catch (Exception e) {
        // the stream ends when the test closes it
      }
    }, "sse-reader");
    thread.setDaemon(true);
    thread.start();
  }

  public int status() {
    return status;
  }

  public List<String> data() {
    return List.copyOf(data);
  }

  @Override
  public void close() {
    thread.interrupt();
    if (response != null) {
      try {
        response.body().close();
      } catch (Exception ignored) {
        // closing a stream the server may already have ended
      }
    }
  }
}
