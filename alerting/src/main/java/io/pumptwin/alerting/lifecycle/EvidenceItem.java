package io.pumptwin.alerting.lifecycle;

import java.time.Instant;

/**
 * One piece of evidence behind an alert, as the twin listed it: what was observed, when, and how
 * much it counted. Carried unchanged so a nurse sees why the alert exists.
 */
public record EvidenceItem(String kind, Instant observedAt, String detail, double weight,
    String sourceEventId) {}
