package io.pumptwin.twin.risk;

import io.pumptwin.twin.evidence.Evidence;

import java.time.Instant;
import java.util.List;

/**
 * A graded risk with the score behind it and every piece of evidence that counted.
 *
 * @param since when the leading cause began, null when there is none
 */
public record RiskAssessment(RiskLevel level, double score, Instant since, List<Evidence> evidence) {

    public static final RiskAssessment NONE = new RiskAssessment(RiskLevel.NONE, 0, null, List.of());

    public RiskAssessment {
        evidence = List.copyOf(evidence);
    }
}
