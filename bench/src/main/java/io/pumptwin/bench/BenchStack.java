package io.pumptwin.bench;

import io.pumptwin.embedded.LocalStack;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What every benchmark here needs first: its own broker and registry, and its options. */
public final class BenchStack {
  private BenchStack() {}

  /** A real broker and registry on free loopback ports, with their data under {@code dir}. */
  public static LocalStack onFreePorts(Path dir) throws IOException {
    int[] ports = new int[3];
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < ports.length; i++) {
        ServerSocket s = new ServerSocket(0);
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
    return LocalStack.start(LocalStack.Settings.of(ports[0], ports[1], ports[2], dir));
  }

  /** {@code --name value} pairs. */
  public static Map<String, String> options(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i], args[i + 1]);
    }
    return opts;
  }
}
