package io.pumptwin.simulator.output;

/** A sink could not deliver: the run stops rather than silently losing simulated history. */
public final class SinkFailedException extends RuntimeException {
    public SinkFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
