package io.pumptwin.replay.whatif;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.reservoir.ReservoirModelParameters;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A what-if file: the model and alert-policy settings an analyst wants to try, each one optional;
 * whatever is not given stays at production's value. Example ({@code replay/whatif.example.yaml}):
 *
 * <pre>
 * name: lead-time-14d
 * model:
 *   refillLeadTimeDays: 14          # clinic lead time before the reservoir band's early edge
 *   refillDueNoticeDays: 14         # REFILL_DUE is raised this long before the refill-due date
 *   deliveryBiasFraction: 0.025     # Wesemann 2014 per-refill over-delivery instead of +1 %
 *   deliveryErrorSigmaFraction: 0.0725
 *   residualMeasurementSigmaMl: 0.5
 *   fillSigmaMl: 0.2
 *   bandZ: 1.96
 *   silentAfterHours: 72
 * alertPolicy:
 *   highDoseMcgPerDay: 300          # CRITICAL for a stopped pump at or above this dose
 * </pre>
 */
public record WhatIf(String name, ModelSettings model, AlertPolicySettings alertPolicy) {

  /** Model settings; null means production's value. */
  public record ModelSettings(
      Double refillLeadTimeDays,
      Double refillDueNoticeDays,
      Double deliveryBiasFraction,
      Double deliveryErrorSigmaFraction,
      Double residualMeasurementSigmaMl,
      Double fillSigmaMl,
      Double bandZ,
      Double drugStabilityDays,
      Double silentAfterHours) {}

  /** Alert-policy settings; null means production's value. */
  public record AlertPolicySettings(@JsonProperty("highDoseMcgPerDay") Double highDoseMcgPerDay) {}

  /** Why a what-if file cannot be used, in words an analyst can act on. */
  public static final class WhatIfRejected extends IllegalArgumentException {
    public WhatIfRejected(String message, Throwable cause) {
      super(message, cause);
    }
  }

  public static WhatIf load(Path file) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
    try {
      WhatIf w = yaml.readValue(Files.readString(file), WhatIf.class);
      if (w == null) {
        throw new WhatIfRejected("what-if file " + file + " is empty", null);
      }
      try {
        w.applyTo(PipelineParameters.production()); // validates the values now, not after a long read
      } catch (WhatIfRejected e) {
        throw e;
      } catch (IllegalArgumentException e) {
        throw new WhatIfRejected("what-if file " + file + ": " + e.getMessage(), e);
      }
      return w;
    } catch (JsonMappingException e) {
      throw new WhatIfRejected("what-if file " + file + ": " + e.getOriginalMessage()
          + " at " + e.getPathReference() + " (known keys: name; model: refillLeadTimeDays, refillDueNoticeDays,"
          + " deliveryBiasFraction, deliveryErrorSigmaFraction, residualMeasurementSigmaMl, fillSigmaMl, bandZ,"
          + " drugStabilityDays, silentAfterHours; alertPolicy: highDoseMcgPerDay)", e);
    } catch (IOException e) {
      throw new WhatIfRejected("cannot read what-if file " + file + ": " + e.getMessage(), e);
    }
  }

  /** Production's parameters with this file's settings in place, under the file's name. */
  public PipelineParameters applyTo(PipelineParameters base) {
    TwinModelParameters m = base.model();
    ReservoirModelParameters r = m.reservoir();
    Duration notice = m.refillDueNotice();
    Duration silent = m.silentAfter();
    if (model != null) {
      r = new ReservoirModelParameters(
          or(model.deliveryBiasFraction(), r.deliveryBiasFraction()),
          or(model.deliveryErrorSigmaFraction(), r.deliveryErrorSigmaFraction()),
          r.deliveryJitterMl2PerMl(),
          or(model.residualMeasurementSigmaMl(), r.residualMeasurementSigmaMl()),
          or(model.fillSigmaMl(), r.fillSigmaMl()),
          or(model.bandZ(), r.bandZ()),
          model.refillLeadTimeDays() == null ? r.clinicLeadTime() : days(model.refillLeadTimeDays()),
          model.drugStabilityDays() == null ? r.drugStability() : days(model.drugStabilityDays()),
          r.minimumRateMlPerDay(), r.projectionHorizon(),
          Math.min(r.intervalErrorSigmaFraction(),
              or(model.deliveryErrorSigmaFraction(), r.deliveryErrorSigmaFraction())));
      notice = model.refillDueNoticeDays() == null ? notice : days(model.refillDueNoticeDays());
      silent = model.silentAfterHours() == null ? silent
          : Duration.ofMillis(Math.round(model.silentAfterHours() * 3_600_000));
    }
    String setName = name == null || name.isBlank() ? "what-if" : name;
    TwinModelParameters next = new TwinModelParameters(setName, r, m.battery(), m.catheter(), m.risk(),
        silent, notice, m.refillUrgentBeforeEmpty(), m.recentEventLimit(), m.symptomMemory());
    SeverityPolicy severity = alertPolicy == null || alertPolicy.highDoseMcgPerDay() == null
        ? base.severity() : new SeverityPolicy(alertPolicy.highDoseMcgPerDay());
    return base.withModel(next).withSeverity(severity);
  }

  private static double or(Double v, double fallback) {
    return v == null ? fallback : v;
  }

  private static Duration days(double d) {
    if (d < 0) {
      throw new WhatIfRejected("a number of days must be >= 0, was " + d, null);
    }
    return Duration.ofMillis(Math.round(d * 86_400_000));
  }
}
