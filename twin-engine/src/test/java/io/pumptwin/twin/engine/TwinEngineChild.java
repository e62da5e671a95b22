package io.pumptwin.twin.engine;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One twin-engine instance in a JVM of its own, so a test can kill it the way a machine dies (SIGKILL: no commit,
 * no abort of the open transaction, no leave-group, no state checkpoint) rather than close it politely.
 *
 * <p>Arguments: bootstrap registry stateDir applicationId telemetry twinState twinEvents deadLetters queryPort.
 * The child also ends when its standard input closes, so it never outlives the test JVM that started it.
 */
final class TwinEngineChild {

    private TwinEngineChild() {
    }

    public static void main(String[] args) throws IOException {
        TwinEngineConfig config = config(args);
        TwinEngine engine = new TwinEngine(config).start();
        System.out.println("twin engine child started port=" + engine.port());
        while (System.in.read() != -1) {
            // the parent holds the pipe open while it wants this instance alive
        }
        engine.close();
        System.exit(0);
    }

    /** The same configuration the in-JVM instances of the test use. */
    static TwinEngineConfig config(String[] a) {
        int port = Integer.parseInt(a[8]);
        return TwinEngineConfig.defaults(a[0], a[1], Path.of(a[2]))
                .withApplicationId(a[3])
                .withTopics(new TwinEngineConfig.TwinTopicNames(a[4], a[5], a[6], a[7]))
                .withQueryServer(port, "127.0.0.1:" + port)
                .withStreamsOverrides(TwinEngineFailoverTest.STREAMS_OVERRIDES)
                .withQueryAccess(TwinEngineFailoverTest.queryAccess());
    }

    /** Starts a child JVM on this JVM's class path, its output going to {@code log}. */
    static Process start(TwinEngineConfig c, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-cp", System.getProperty("java.class.path"), TwinEngineChild.class.getName(),
                c.bootstrapServers(), c.registryUrl(), c.stateDir().toString(), c.applicationId(),
                c.topics().telemetry(), c.topics().twinState(), c.topics().twinEvents(), c.topics().deadLetters(),
                Integer.toString(c.queryPort())));
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** SIGKILL, then wait for the process to be gone. */
    static void kill(Process p) throws InterruptedException {
        p.destroyForcibly();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("twin engine child pid=" + p.pid() + " did not die on SIGKILL");
        }
    }
}
