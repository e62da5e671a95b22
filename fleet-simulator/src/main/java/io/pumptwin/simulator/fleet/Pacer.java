package io.pumptwin.simulator.fleet;

/**
 * How fast simulated time passes against the wall clock: real time, accelerated (N simulated seconds per
 * wall second), or as fast as possible for backfill. The wall clock and the sleep are passed in, so the
 * simulation itself never reads one.
 */
public sealed interface Pacer {

    /** Simulated seconds per wall second, or infinity. */
    double speed();

    record RealTime() implements Pacer {
        @Override
        public double speed() {
            return 1;
        }
    }

    record Accelerated(double simulatedSecondsPerSecond) implements Pacer {
        public Accelerated {
            if (!(simulatedSecondsPerSecond > 0)) {
                throw new IllegalArgumentException("acceleration must be positive, was " + simulatedSecondsPerSecond);
            }
        }

        @Override
        public double speed() {
            return simulatedSecondsPerSecond;
        }
    }

    record AsFastAsPossible() implements Pacer {
        @Override
        public double speed() {
            return Double.POSITIVE_INFINITY;
        }
    }

    /** Parses "real-time", "afap" / "as-fast-as-possible", or "accelerated:N" / a bare number N. */
    static Pacer parse(String text) {
        String t = text.trim().toLowerCase();
        return switch (t) {
            case "real-time", "realtime" -> new RealTime();
            case "afap", "as-fast-as-possible", "backfill" -> new AsFastAsPossible();
            default -> {
                String number = t.startsWith("accelerated:") ? t.substring("accelerated:".length()) : t;
                try {
                    yield new Accelerated(Double.parseDouble(number));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("time mode must be real-time, afap or accelerated:N, was " + text);
                }
            }
        };
    }

    /** Wall milliseconds that should have passed when {@code simulatedMs} of simulated time have. */
    default long wallMillisFor(long simulatedMs) {
        double speed = speed();
        return Double.isInfinite(speed) ? 0 : (long) (simulatedMs / speed);
    }
}
