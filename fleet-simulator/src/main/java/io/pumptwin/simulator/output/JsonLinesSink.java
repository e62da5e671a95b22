package io.pumptwin.simulator.output;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes Avro's JSON rendering of each record, one per line, to {@code telemetry.jsonl} and
 * {@code ground-truth.jsonl} in a directory: for looking at a run, not for machines.
 */
public final class JsonLinesSink implements SimulationSink {
    private final BufferedWriter telemetry;
    private final BufferedWriter groundTruth;

    public JsonLinesSink(Path directory) {
        try {
            Files.createDirectories(directory);
            telemetry = Files.newBufferedWriter(directory.resolve("telemetry.jsonl"), StandardCharsets.UTF_8);
            groundTruth = Files.newBufferedWriter(directory.resolve("ground-truth.jsonl"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open output directory " + directory, e);
        }
    }

    @Override
    public void telemetry(TelemetryEnvelope event) {
        write(telemetry, event.toString());
    }

    @Override
    public void groundTruth(GroundTruth truth) {
        write(groundTruth, truth.toString());
    }

    private static void write(BufferedWriter writer, String line) {
        try {
            writer.write(line);
            writer.newLine();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void flush() {
        try {
            telemetry.flush();
            groundTruth.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try (telemetry; groundTruth) {
            flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
