package io.pumptwin.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;

/** Distinct free ports on 127.0.0.1, so tests never collide with a running {@code pumptwin local}. */
public final class FreePorts {
  private FreePorts() {}

  public static int[] pick(int n) {
    // Hold every socket open until all are chosen, so the n ports differ.
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException("no free local port", e);
    } finally {
      for (ServerSocket s : sockets) {
        try {
          s.close();
        } catch (IOException ignored) {
          // a listening socket we opened ourselves; nothing useful to do if closing fails
        }
      }
    }
  }
}
