package io.pumptwin.twin;

import java.util.UUID;

/** Telemetry event ids, most of which are UUIDs in their canonical text. */
public final class EventIds {
    /**
     * The last text parsed and what it gave (null: not a canonical UUID). One event's id is asked for several times
     * while it is applied (the de-duplication check, the memory, the store's other fields that name the event): by
     * identity, the same String object is the same text. Racy on purpose: a record of final fields is safely
     * published, and a thread that sees another's entry just parses again.
     */
    private record Parsed(String text, UUID uuid) {
    }

    private static Parsed last = new Parsed(null, null);

    private EventIds() {
    }

    /**
     * The UUID when {@code s} is exactly its canonical text (lower-case hex, dashes at 8, 13, 18, 23), so that
     * {@code toString} gives back the same string; null otherwise. Parsed by hand: UUID.fromString plus toString to
     * compare, for each of a twin's remembered event ids on every write, was a few percent of the engine's time.
     */
    public static UUID canonicalUuid(String s) {
        Parsed p = last;
        if (p.text() == s) {
            return p.uuid();
        }
        UUID u = parse(s);
        last = new Parsed(s, u);
        return u;
    }

    private static UUID parse(String s) {
        if (s.length() != 36) {
            return null;
        }
        long msb = 0;
        long lsb = 0;
        int digits = 0;
        for (int i = 0; i < 36; i++) {
            char ch = s.charAt(i);
            if (i == 8 || i == 13 || i == 18 || i == 23) {
                if (ch != '-') {
                    return null;
                }
                continue;
            }
            int v = ch >= '0' && ch <= '9' ? ch - '0' : ch >= 'a' && ch <= 'f' ? ch - 'a' + 10 : -1;
            if (v < 0) {
                return null;
            }
            if (digits < 16) {
                msb = (msb << 4) | v;
            } else {
                lsb = (lsb << 4) | v;
            }
            digits++;
        }
        return new UUID(msb, lsb);
    }
}
