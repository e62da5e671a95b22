package io.pumptwin.gateway.validation;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * The clinical and technical limits the gateway checks telemetry against. Every figure is a default
 * taken from DOMAIN.md that an operator can change; nothing here is hard-wired in the validator.
 *
 * @param reservoirCapacitiesMl pump models in the fleet (DOMAIN.md: 20 mL and 40 mL models)
 * @param concentrationsMcgPerMl baclofen concentrations in use (DOMAIN.md: 50 screening, 500, 1000,
 *     2000 mcg/mL)
 * @param minDoseMcgPerDay lowest plausible programmed daily dose (DOMAIN.md: roughly 20 mcg/day)
 * @param maxDoseMcgPerDay highest plausible programmed daily dose (DOMAIN.md: roughly 2,000 mcg/day)
 * @param maxFutureSkew how far ahead of the gateway's clock an event time may be (device clocks
 *     drift; minutes, not hours)
 * @param maxAge how old an event may be: home communicators upload backlogs after weeks offline, and
 *     refill intervals reach about 180 days (DOMAIN.md, drug stability), so a little over a year
 */
public record ValidationRules(
    Set<Integer> reservoirCapacitiesMl,
    Set<Double> concentrationsMcgPerMl,
    double minDoseMcgPerDay,
    double maxDoseMcgPerDay,
    Duration maxFutureSkew,
    Duration maxAge) {

  public ValidationRules {
    reservoirCapacitiesMl = Set.copyOf(reservoirCapacitiesMl);
    concentrationsMcgPerMl = Set.copyOf(concentrationsMcgPerMl);
    Objects.requireNonNull(maxFutureSkew, "maxFutureSkew");
    Objects.requireNonNull(maxAge, "maxAge");
    if (minDoseMcgPerDay < 0 || maxDoseMcgPerDay < minDoseMcgPerDay) {
      throw new IllegalArgumentException("dose range must satisfy 0 <= min <= max, got "
          + minDoseMcgPerDay + ".." + maxDoseMcgPerDay);
    }
  }

  public static ValidationRules defaults() {
    return new ValidationRules(
        Set.of(20, 40),
        Set.of(50.0, 500.0, 1000.0, 2000.0),
        20.0,
        2000.0,
        Duration.ofMinutes(5),
        Duration.ofDays(400));
  }

  public ValidationRules withDoseRange(double min, double max) {
    return new ValidationRules(reservoirCapacitiesMl, concentrationsMcgPerMl, min, max,
        maxFutureSkew, maxAge);
  }

  public ValidationRules withTimeWindow(Duration future, Duration age) {
    return new ValidationRules(reservoirCapacitiesMl, concentrationsMcgPerMl, minDoseMcgPerDay,
        maxDoseMcgPerDay, future, age);
  }
}
