package io.pumptwin.alerting.stream;

/**
 * What time alert deadlines (re-notify, escalate, end of a silence) and staff commands run on.
 *
 * <p>Stream time moves only when a record arrives on the task's partitions, and twin events are
 * sparse: on a quiet partition an unacknowledged CRITICAL alert would never escalate, and when
 * events finally arrive every missed deadline would fall due at once. The alert clock of a task
 * is therefore stream time carried on by the real time that passed since stream time last moved.
 */
public enum AlertClock {
  /**
   * For the running service: the latest stream time plus the real time elapsed since stream time
   * last advanced (a wall-clock tick moves it while the partition is quiet); when stream time
   * moves, the clock follows it; it never goes backwards, also across restarts.
   */
  LIVE,
  /**
   * For replays, simulations and evaluation: stream time only, so the same input gives the same
   * alerts, whatever the wall clock does.
   */
  STREAM_TIME
}
