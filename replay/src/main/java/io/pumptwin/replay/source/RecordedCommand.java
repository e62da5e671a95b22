package io.pumptwin.replay.source;

import io.pumptwin.events.AlertCommand;
import java.time.Instant;
import java.util.Objects;

/**
 * One staff command (acknowledge, silence, unsilence, resolve) as {@code pump.alert.commands.v1}
 * held it, and when production's alerting applied it.
 *
 * <p>Why {@code appliedAt}: a command's record timestamp is not when staff acted. The alert API
 * stamps it with the alert's own last event time (so that a command never moves stream time), and
 * production's alerting applies it at its alert clock, which on the LIVE clock is stream time
 * carried on by the real time that passed while the partition was quiet. That instant is recorded
 * in one place only: the alert transition the command caused on {@code pump.alerts.v1} (its
 * {@code causedBy} names the command, its event time is the clock it was applied at). A command that
 * caused no transition (rejected, or a repeat of what the alert already was) left no trace:
 * {@code appliedAt} is null and the replay places it as early as its partition's order allows
 * (see {@code InProcessPipeline}).
 *
 * @param partition the command topic's partition (the alerting task that applied it)
 * @param offset its offset; a partition's commands were applied in offset order
 * @param timestamp the record timestamp (the alert's last event time when staff acted)
 * @param appliedAt production's alert clock when it applied the command; null if it left no trace
 */
public record RecordedCommand(int partition, long offset, long timestamp, Instant appliedAt, AlertCommand command) {
  public RecordedCommand {
    Objects.requireNonNull(command, "command");
  }

  /** The time the replay orders the command by: when production applied it, else its record time. */
  public Instant orderedAt() {
    return appliedAt != null ? appliedAt : Instant.ofEpochMilli(timestamp);
  }

  /** The id production's alert transitions name in {@code causedBy} ("<commandId> issuedAt=..."). */
  public static String commandIdOf(String causedBy) {
    if (causedBy == null) {
      return null;
    }
    int space = causedBy.indexOf(' ');
    return space < 0 ? causedBy : causedBy.substring(0, space);
  }
}
