package io.pumptwin.dashboard.access;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Browser sessions: a random id in an HttpOnly cookie stands for a signed-in staff member, so the
 * API token itself never sits in the page's storage and the live stream (an EventSource, which
 * cannot send headers) is authenticated too. Sessions live in memory: a restart signs everyone out,
 * which is the safe direction.
 */
public final class SignInSessions {
  private record Session(StaffMember member, Instant expiresAt) {}

  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SecureRandom random = new SecureRandom();
  private final Duration ttl;
  private final Clock clock;

  public SignInSessions(Duration ttl, Clock clock) {
    this.ttl = ttl;
    this.clock = clock;
  }

  public String open(StaffMember member) {
    byte[] id = new byte[32];
    random.nextBytes(id);
    String sessionId = HexFormat.of().formatHex(id);
    Instant now = clock.instant();
    // Expired sessions go when anyone signs in, so abandoned ones cannot pile up.
    sessions.values().removeIf(s -> !now.isBefore(s.expiresAt()));
    sessions.put(sessionId, new Session(member, now.plus(ttl)));
    return sessionId;
  }

  public Optional<StaffMember> find(String sessionId) {
    if (sessionId == null) {
      return Optional.empty();
    }
    Session s = sessions.get(sessionId);
    if (s == null) {
      return Optional.empty();
    }
    if (!clock.instant().isBefore(s.expiresAt())) {
      sessions.remove(sessionId);
      return Optional.empty();
    }
    return Optional.of(s.member());
  }

  public void close(String sessionId) {
    if (sessionId != null) {
      sessions.remove(sessionId);
    }
  }

  public Duration ttl() {
    return ttl;
  }
}
