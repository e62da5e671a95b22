package io.pumptwin.bench.detection;

import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;

import java.util.List;
import java.util.Map;

/**
 * The evaluation of one scenario run (one seed) against the simulator's ground truth.
 *
 * @param pumpMonths        observed pump time (first to last ground-truth record per pump), in 30.44-day months
 * @param calibration       reservoir band coverage at refills and at status points
 * @param faults            every fault onset, judged by {@link DetectionCriteria#ruleFor}
 * @param conditions        per alert type, the true conditions it should catch (recall and latency)
 * @param refillCycles      per fill cycle that reached (or would have reached) the alarm volume: the REFILL_DUE lead
 * @param openedAlerts      alerts opened per type
 * @param falseAlerts       per type, the opened alerts with no matching true condition (one line each)
 * @param backlogStops      the stops of delivery that reached telemetry in a home communicator's backlog, each with
 *                          the grade due on arrival and the grade the twin gave
 */
public record ScenarioResult(String scenario, int pumps, double days, long seed, double pumpMonths,
                             long telemetryRecords, double seconds, Calibration calibration, List<Outcome> faults,
                             Map<AlertType, List<Outcome>> conditions, List<RefillCycle> refillCycles,
                             Map<AlertType, Integer> openedAlerts, Map<AlertType, List<String>> falseAlerts,
                             List<BacklogStop> backlogStops) {

    /**
     * A stop of delivery the twin could first know of when the pump's backlog was uploaded
     * ({@link DetectionCriteria#A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}).
     *
     * @param hoursWithoutTherapy from the true stop to the upload (to the end of the stop, if it ended before)
     * @param doseMcgPerDay       the dose the pump was programmed to at the stop
     * @param gradeDue            the twin's own grade of a certain stop that old at that dose, no symptom counted
     *                            (NONE when the stop had ended before the upload)
     * @param gradeOnArrival      the highest level the underdose alert stood at within
     *                            {@link DetectionCriteria#BACKLOG_GRADE_WINDOW} of the upload; NONE when none was open
     * @param latencyHours        from the upload to the underdose alert being open (0 when it was open already); NaN
     *                            when none was open within that window
     * @param heardBetween        whether anything of the pump from another device (the patient's symptom report, a
     *                            clinic's record) reached telemetry between the stop and the upload
     */
    public record BacklogStop(String pump, long stoppedAt, long uploadedAt, double hoursWithoutTherapy,
                              double doseMcgPerDay, RiskLevel gradeDue, RiskLevel gradeOnArrival, double latencyHours,
                              boolean heardBetween) {

        /** Flagged within the window of the upload at no less than the grade due. */
        public boolean gradedAsDue() {
            return !Double.isNaN(latencyHours) && gradeOnArrival.compareTo(gradeDue) >= 0;
        }
    }

    /**
     * One true condition and whether the matching alert caught it.
     *
     * @param injected     the scenario's own injected fault (kind and onset inside an injection window), as opposed
     *                     to a background hazard
     * @param latencyHours from true onset to the alert being open (0 when it was open already); NaN when not flagged
     * @param censored     not flagged, but its detection window reaches past the end of the run: not counted
     * @param unobservable  not flagged, and nothing of it reached telemetry within its window (see
     *                      {@link DetectionCriteria#observable}): not counted here; its consequence is judged
     *                      on its own (a reservoir that runs dry is a RESERVOIR_EMPTY condition)
     */
    public record Outcome(String pump, String condition, long onsetAt, boolean injected, boolean flagged,
                          double latencyHours, boolean censored, boolean unobservable) {
        public Outcome(String pump, String condition, long onsetAt, boolean injected, boolean flagged,
                       double latencyHours, boolean censored) {
            this(pump, condition, onsetAt, injected, flagged, latencyHours, censored, false);
        }

        public boolean counted() {
            return flagged || !(censored || unobservable);
        }
    }

    /**
     * One fill cycle's refill-due lead.
     *
     * @param reachedAlarmVolume  the true volume really reached the low-reservoir alarm volume in this cycle (else the
     *                            crossing is extrapolated at the true rate past the refill)
     * @param crossingAt          true (or extrapolated) time the reservoir reaches the alarm volume
     * @param leadDays            days from REFILL_DUE opening to the crossing; NaN when no REFILL_DUE opened before it
     * @param emptyAt             time the true reservoir ran empty, null if it did not
     * @param leadBeforeEmptyDays days from REFILL_DUE opening to empty; NaN when none opened before
     */
    public record RefillCycle(String pump, boolean reachedAlarmVolume, long crossingAt, double leadDays, Long emptyAt,
                              double leadBeforeEmptyDays) {
    }

    /**
     * @param refillsChecked       refills whose true residual and preceding twin band were both known
     * @param coldStartChecked     of those, refills before which the twin had seen no fill (wide prior band)
     * @param faultedRefills       refills left out: an occlusion, kink or pocket fill was active in the fill cycle, so
     *                             the residual is the fault's signal (the twin is meant to find it outside the band)
     * @param misses               one line per refill whose true residual lay outside the band
     */
    public record Calibration(int refillsChecked, int refillsInside, int coldStartChecked, int coldStartInside,
                              int faultedRefills, long statusPointsChecked, long statusPointsInside, List<String> misses) {
        public double refillCoverage() {
            return refillsChecked == 0 ? Double.NaN : refillsInside / (double) refillsChecked;
        }

        public double statusCoverage() {
            return statusPointsChecked == 0 ? Double.NaN : statusPointsInside / (double) statusPointsChecked;
        }
    }
}
