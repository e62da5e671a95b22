package io.pumptwin.replay.run;

import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.replay.pipeline.PipelineListener;
import io.pumptwin.replay.source.RecordedCommand;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What one run (production parameters, or a what-if) wrote and kept: twin trajectories, twin events
 * and alerts as CSV in its own folder; the twin events and alerts in memory for the report and the
 * comparison (they are few); per pump the highest catheter-fault likelihood seen.
 */
public final class RunOutput implements PipelineListener, AutoCloseable {
  public static final String TRAJECTORIES = "trajectories.csv";
  public static final String ALERTS = "alerts.csv";
  public static final String TWIN_EVENTS = "twin-events.csv";
  public static final String COMMANDS = "commands.csv";

  static final String TRAJECTORY_HEADER = "pump,clinic,asOf,reservoirMeanMl,reservoirLower95Ml,reservoirUpper95Ml,"
      + "reservoirStdDevMl,pumpComputedMl,doseMcgPerDay,refillDueAt,catheterFaultProbability,catheterSuspectedKind,"
      + "delivery,underdoseLevel,underdoseScore,overdoseLevel,overdoseScore,batteryRemainingPercent,eriProjectedAt,"
      + "eosProjectedAt";

  private final String name;
  private final Path dir;
  private final OutputFilter filter;
  private final BufferedWriter trajectories;
  private final BufferedWriter alertsCsv;
  private final BufferedWriter twinEventsCsv;
  private final List<AlertEvent> alerts = new ArrayList<>();
  private final List<TwinEvent> twinEvents = new ArrayList<>();
  private final Map<String, Double> maxCatheterProbability = new TreeMap<>();
  private long states;
  private long commandsWritten;

  public RunOutput(String name, Path dir, OutputFilter filter) {
    this.name = name;
    this.dir = dir;
    this.filter = filter;
    try {
      Files.createDirectories(dir);
      trajectories = Files.newBufferedWriter(dir.resolve(TRAJECTORIES), StandardCharsets.UTF_8);
      alertsCsv = Files.newBufferedWriter(dir.resolve(ALERTS), StandardCharsets.UTF_8);
      twinEventsCsv = Files.newBufferedWriter(dir.resolve(TWIN_EVENTS), StandardCharsets.UTF_8);
      trajectories.write(TRAJECTORY_HEADER + "\n");
      alertsCsv.write("alertId,pump,clinic,alertType,transition,status,severity,riskLevel,eventTime,openedAt,"
          + "escalationLevel,dueAt,headline\n");
      twinEventsCsv.write("eventId,pump,clinic,eventTime,type,transition,riskLevel,dueAt,doseMcgPerDay,headline\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the run's output in " + dir, e);
    }
  }

  @Override
  public void onTwinState(int partition, TwinState s) {
    if (!filter.accepts(s.getPumpSerial(), s.getClinicId(), s.getAsOf())) {
      return;
    }
    states++;
    var r = s.getReservoir();
    var b = s.getBattery();
    maxCatheterProbability.merge(s.getPumpSerial(), s.getCatheter().getProbability(), Math::max);
    write(trajectories, String.join(",", Csv.text(s.getPumpSerial()), Csv.text(s.getClinicId()),
        Csv.time(s.getAsOf()), Csv.number(r.getMeanMl()), Csv.number(r.getLower95Ml()),
        Csv.number(r.getUpper95Ml()), Csv.number(r.getStdDevMl()), Csv.number(r.getPumpComputedMl()),
        Csv.number(r.getDoseMcgPerDay()), Csv.time(r.getRefillDueAt()), Csv.number(s.getCatheter().getProbability()),
        s.getCatheter().getSuspectedKind() == null ? "" : s.getCatheter().getSuspectedKind().toString(),
        s.getDelivery().toString(), s.getUnderdose().getLevel().toString(), Csv.number(s.getUnderdose().getScore()),
        s.getOverdose().getLevel().toString(), Csv.number(s.getOverdose().getScore()),
        Csv.number(b.getRemainingPercent()), Csv.time(b.getEriProjectedAt()), Csv.time(b.getEosProjectedAt())));
  }

  @Override
  public void onTwinEvent(int partition, TwinEvent e) {
    if (!filter.accepts(e.getPumpSerial(), e.getClinicId(), e.getEventTime())) {
      return;
    }
    twinEvents.add(e);
    write(twinEventsCsv, String.join(",", Csv.text(e.getEventId()), Csv.text(e.getPumpSerial()),
        Csv.text(e.getClinicId()), Csv.time(e.getEventTime()), e.getType().toString(), e.getTransition().toString(),
        e.getRiskLevel().toString(), Csv.time(e.getDueAt()), Csv.number(e.getDoseMcgPerDay()),
        Csv.text(e.getHeadline())));
  }

  @Override
  public void onAlert(int partition, AlertEvent a) {
    if (!filter.accepts(a.getPumpSerial(), a.getClinicId(), a.getEventTime())) {
      return;
    }
    alerts.add(a);
    write(alertsCsv, String.join(",", Csv.text(a.getAlertId()), Csv.text(a.getPumpSerial()),
        Csv.text(a.getClinicId()), a.getAlertType().toString(), a.getTransition().toString(),
        a.getStatus().toString(), a.getSeverity().toString(), a.getRiskLevel().toString(), Csv.time(a.getEventTime()),
        Csv.time(a.getOpenedAt()), Integer.toString(a.getEscalationLevel()), Csv.time(a.getDueAt()),
        Csv.text(a.getHeadline())));
  }

  private static void write(BufferedWriter w, String line) {
    try {
      w.write(line);
      w.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write replay output", e);
    }
  }

  public String name() {
    return name;
  }

  public Path dir() {
    return dir;
  }

  public List<AlertEvent> alerts() {
    return List.copyOf(alerts);
  }

  public List<TwinEvent> twinEvents() {
    return List.copyOf(twinEvents);
  }

  public Map<String, Double> maxCatheterProbability() {
    return Map.copyOf(maxCatheterProbability);
  }

  /**
   * The staff commands replayed, as the filter selects them (pump, clinic, the time production applied
   * them), in the order they were applied; the user is a pseudonymous staff id, and free-text reasons are
   * left out (they are staff's words about a patient).
   */
  public void commands(List<RecordedCommand> commands) {
    Path file = dir.resolve(COMMANDS);
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("commandId,pump,clinic,alertType,action,userId,role,recordTime,appliedAt,silenceUntil\n");
      for (RecordedCommand c : commands.stream().sorted(java.util.Comparator.comparing(RecordedCommand::orderedAt)
          .thenComparing(RecordedCommand::partition).thenComparingLong(RecordedCommand::offset)).toList()) {
        AlertCommand a = c.command();
        if (!filter.accepts(a.getPumpSerial(), a.getClinicId(), c.orderedAt())) {
          continue;
        }
        commandsWritten++;
        write(w, String.join(",", Csv.text(a.getCommandId()), Csv.text(a.getPumpSerial()), Csv.text(a.getClinicId()),
            a.getAlertType().toString(), a.getAction().toString(), Csv.text(a.getUserId()), a.getRole().toString(),
            Csv.time(java.time.Instant.ofEpochMilli(c.timestamp())), Csv.time(c.appliedAt()),
            Csv.time(a.getSilenceUntil())));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /** Staff commands written to {@value #COMMANDS} (those the filter selects). */
  public long commandsWritten() {
    return commandsWritten;
  }

  public long statesWritten() {
    return states;
  }

  @Override
  public void close() {
    try {
      trajectories.close();
      alertsCsv.close();
      twinEventsCsv.close();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot finish the run's output in " + dir, e);
    }
  }
}
