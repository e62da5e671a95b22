package io.pumptwin.gateway.device;

import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Signatures seen within the timestamp window. A signature outside the window is refused for its
 * timestamp anyway, so an entry can be forgotten once its timestamp leaves the window; until then
 * it must not be forgotten, which is why a full cache refuses new entries instead of evicting.
 */
final class ReplayCache {
  private final int capacity;
  /** Insertion ordered; expiries are close to arrival order, so expired entries sit at the head. */
  private final LinkedHashMap<String, Instant> expiryBySignature = new LinkedHashMap<>();

  ReplayCache(int capacity) {
    this.capacity = capacity;
  }

  enum Admission { FIRST_SEEN, REPLAYED, FULL }

  synchronized Admission admit(String key, Instant expiry, Instant now) {
    pruneExpired(now);
    if (expiryBySignature.containsKey(key)) {
      return Admission.REPLAYED;
    }
    if (expiryBySignature.size() >= capacity) {
      pruneAllExpired(now);
      if (expiryBySignature.size() >= capacity) {
        return Admission.FULL;
      }
    }
    expiryBySignature.put(key, expiry);
    return Admission.FIRST_SEEN;
  }

  synchronized int size() {
    return expiryBySignature.size();
  }

  private void pruneExpired(Instant now) {
    Iterator<Map.Entry<String, Instant>> it = expiryBySignature.entrySet().iterator();
    while (it.hasNext()) {
      if (it.next().getValue().isBefore(now)) {
        it.remove();
      } else {
        return;
      }
    }
  }

  private void pruneAllExpired(Instant now) {
    expiryBySignature.values().removeIf(expiry -> expiry.isBefore(now));
  }
}
