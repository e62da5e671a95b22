package io.pumptwin.alerting.stream;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The alert clock's arithmetic, including what a restart restores (no Kafka). */
class AlertClockStateTest {
  static final long MIN = 60_000;
  static final long STREAM = 1_772_352_000_000L;   // 2026-03-01T08:00Z, event time
  static final long WALL = 1_795_521_600_000L;     // 2026-11-24T12:00Z, the host's clock

  @Test
  void unknownUntilStreamTimeIsSeen() {
    AlertClockState s = AlertClockState.UNKNOWN.observe(AlertClock.LIVE, -1, WALL);
    assertThat(s.known()).isFalse();
    assertThat(s.observe(AlertClock.LIVE, STREAM, WALL).clockMs()).isEqualTo(STREAM);
  }

  @Test
  void liveAddsTheRealTimeSinceStreamTimeLastMoved() {
    AlertClockState s = AlertClockState.UNKNOWN.observe(AlertClock.LIVE, STREAM, WALL)
        .observe(AlertClock.LIVE, STREAM, WALL + 20 * MIN);
    assertThat(s.clockMs()).isEqualTo(STREAM + 20 * MIN);
    // Stream time moves by less than the clock ran ahead: the clock holds, and runs on from there.
    s = s.observe(AlertClock.LIVE, STREAM + 5 * MIN, WALL + 21 * MIN);
    assertThat(s.clockMs()).isEqualTo(STREAM + 20 * MIN);
    s = s.observe(AlertClock.LIVE, STREAM + 5 * MIN, WALL + 41 * MIN);
    assertThat(s.clockMs()).isEqualTo(STREAM + 25 * MIN);
    // Stream time jumps past it: the clock follows stream time.
    s = s.observe(AlertClock.LIVE, STREAM + 90 * MIN, WALL + 42 * MIN);
    assertThat(s.clockMs()).isEqualTo(STREAM + 90 * MIN);
  }

  @Test
  void streamTimeModeIgnoresTheWallClock() {
    AlertClockState s = AlertClockState.UNKNOWN.observe(AlertClock.STREAM_TIME, STREAM, WALL)
        .observe(AlertClock.STREAM_TIME, STREAM, WALL + 600 * MIN);
    assertThat(s.clockMs()).isEqualTo(STREAM);
  }

  @Test
  void aWallClockSteppingBackTakesNothingAway() {
    AlertClockState s = AlertClockState.UNKNOWN.observe(AlertClock.LIVE, STREAM, WALL)
        .observe(AlertClock.LIVE, STREAM, WALL + 10 * MIN)
        .observe(AlertClock.LIVE, STREAM, WALL - 60 * MIN);
    assertThat(s.clockMs()).isEqualTo(STREAM + 10 * MIN);
  }

  @Test
  void afterARestartAQuietPartitionCountsTheDowntimeAndNeverGoesBack() {
    AlertClockState saved = AlertClockState.UNKNOWN.observe(AlertClock.LIVE, STREAM, WALL)
        .observe(AlertClock.LIVE, STREAM, WALL + 10 * MIN);
    // Restarted 50 min later; Kafka Streams restored the same stream time (nothing arrived).
    AlertClockState restarted = saved.observe(AlertClock.LIVE, STREAM, WALL + 60 * MIN);
    assertThat(restarted.clockMs()).isEqualTo(STREAM + 60 * MIN);
    // Restarted before stream time is known again (no record yet): the saved clock still runs.
    assertThat(saved.observe(AlertClock.LIVE, -1, WALL + 30 * MIN).clockMs())
        .isEqualTo(STREAM + 30 * MIN);
    // Restarted in STREAM_TIME mode (a replay over the same state): not before what was shown.
    assertThat(saved.observe(AlertClock.STREAM_TIME, STREAM, WALL).clockMs())
        .isEqualTo(STREAM + 10 * MIN);
  }
}
