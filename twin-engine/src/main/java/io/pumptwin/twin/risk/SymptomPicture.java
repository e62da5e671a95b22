package io.pumptwin.twin.risk;

import io.pumptwin.twin.telemetry.Symptom;
import io.pumptwin.twin.telemetry.SymptomReport;

import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Which picture a symptom report shows when it names as many withdrawal signs as overdose signs, settled once when it
 * arrives, so that the underdose and overdose risks and the pocket-fill doubt read the same signs. A patient is not
 * deprived of baclofen and overdosed by it at once: one of the two sides is noise (a sign misremembered, a sign of
 * something else). A report the other side outnumbers is left to {@link SymptomScore}. The catheter belief still reads
 * the report as sent, where a tie argues against a fault (CatheterFaultLikelihood#afterSymptoms): giving it the settled
 * signs made a clinician's tied reviews count for a fault instead, two more false catheter alerts and one underdose
 * alert in a quick bench scorecard (battery-advisory and pocket-fill, seed 3), and no catch earlier.
 */
public final class SymptomPicture {

    private SymptomPicture() {
    }

    /**
     * The signs of {@code report} that count. A tie is settled, in this order:
     * <ul>
     *   <li>by the clinician's examination: a report with a modified Ashworth score that names returning spasticity
     *   is a tone the clinician examined and found raised, the undertreated picture; baclofen in overdose relaxes
     *   muscle (hypotonia), so an overdose sign named beside it is not a second, opposite condition. Such clinician
     *   reviews naming one overdose sign (dizziness, drowsiness, hypothermia, a seizure, a coma) opened every one of
     *   the 6 false OVERDOSE_RISK alerts of the bench scorecard (30 pumps, seeds 1-3; issue 6);</li>
     *   <li>by the picture last reported within {@code window} before it: an episode goes on (a patient reported
     *   drowsiness and dizziness, the next day drowsiness and rebound rigidity: still the overdose, the dose not yet
     *   lowered); a severe withdrawal sign in such a report opened an URGENT-scored underdose alert (bench scorecard,
     *   battery-advisory, two cases).</li>
     * </ul>
     * Otherwise a tie counts for both, as before.
     *
     * @param earlier what the twin kept of earlier reports (already settled)
     */
    public static Set<Symptom> signsThatCount(SymptomReport report, List<SymptomObservation> earlier, Instant at,
                                              Duration window) {
        Set<Symptom> signs = report.symptoms();
        long withdrawal = signs.stream().filter(Symptom::pointsToUnderdose).count();
        long overdose = signs.stream().filter(Symptom::pointsToOverdose).count();
        if (overdose == 0 || overdose != withdrawal) {
            return signs;
        }
        if (report.spasticityAshworth() != null && signs.contains(Symptom.SPASTICITY_RETURN)) {
            return without(signs, true);
        }
        SymptomObservation last = null;
        for (SymptomObservation o : earlier) {
            if (o.at().isAfter(at) || o.at().plus(window).isBefore(at) || side(o.symptoms()) == 0) {
                continue;
            }
            if (last == null || !o.at().isBefore(last.at())) {
                last = o;
            }
        }
        if (last == null) {
            return signs;
        }
        return without(signs, side(last.symptoms()) > 0);
    }

    /** +1 when withdrawal signs outnumber overdose signs, -1 the other way round, 0 for a tie or neither. */
    private static int side(Set<Symptom> signs) {
        long withdrawal = signs.stream().filter(Symptom::pointsToUnderdose).count();
        long overdose = signs.stream().filter(Symptom::pointsToOverdose).count();
        return Long.compare(withdrawal, overdose);
    }

    private static Set<Symptom> without(Set<Symptom> signs, boolean overdoseSigns) {
        Set<Symptom> kept = EnumSet.noneOf(Symptom.class);
        for (Symptom s : signs) {
            if (overdoseSigns ? !s.pointsToOverdose() : !s.pointsToUnderdose()) {
                kept.add(s);
            }
        }
        return kept;
    }
}
