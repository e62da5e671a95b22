package io.pumptwin.alerting.stream;

/**
 * The alert clock of one task (see {@link AlertClock}), kept in the task's store so a restart
 * resumes it instead of resetting it: a quiet partition's clock goes on counting the time the
 * service was down (the alert did wait that long), and never goes back.
 *
 * @param clockMs the alert clock, epoch millis; -1 while no stream time was ever seen
 * @param anchorStreamMs the highest stream time seen
 * @param anchorWallMs wall-clock time when stream time last advanced to {@code anchorStreamMs}
 */
record AlertClockState(long clockMs, long anchorStreamMs, long anchorWallMs) {
  static final AlertClockState UNKNOWN = new AlertClockState(-1, -1, -1);

  boolean known() {
    return clockMs >= 0;
  }

  /**
   * The clock after observing stream time {@code streamMs} (negative when the task has seen no
   * record yet) at wall-clock time {@code wallMs}.
   */
  AlertClockState observe(AlertClock mode, long streamMs, long wallMs) {
    long anchorStream = anchorStreamMs;
    long anchorWall = anchorWallMs;
    if (streamMs > anchorStream) {
      anchorStream = streamMs;
      anchorWall = wallMs;
    }
    if (anchorStream < 0) {
      return this;
    }
    long candidate = anchorStream;
    if (mode == AlertClock.LIVE) {
      // A wall clock that stepped back (or a failover to a host whose clock is behind) adds
      // nothing rather than taking time away.
      candidate += Math.max(0, wallMs - anchorWall);
    }
    return new AlertClockState(Math.max(clockMs, candidate), anchorStream, anchorWall);
  }
}
