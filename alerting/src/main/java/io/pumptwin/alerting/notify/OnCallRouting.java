package io.pumptwin.alerting.notify;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.pumptwin.events.Severity;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who is told about a clinic's alerts: per clinic, shifts (time of day and days of the week, in the
 * clinic's zone), each with an escalation chain of recipients per escalation level. Recipients are
 * named by id; their addresses live only here, never in events or logs.
 */
public record OnCallRouting(Map<String, Recipient> recipients, Map<String, ClinicRota> clinics) {

  public sealed interface Recipient permits EmailRecipient, WebhookRecipient {
    String id();
  }

  public record EmailRecipient(String id, String address) implements Recipient {}

  /** @param secret HMAC-SHA256 key the receiver verifies the signature with */
  public record WebhookRecipient(String id, URI url, String secret) implements Recipient {
    @Override
    public String toString() {
      return "WebhookRecipient[id=" + id + ", url=" + url + "]";
    }
  }

  /**
   * @param minimumSeverity alerts below it are shown on dashboards but page nobody: LOW alerts
   *     (a refill due in weeks) must not wake the on-call nurse
   */
  public record ClinicRota(ZoneId zone, Severity minimumSeverity, List<Shift> shifts) {
    public ClinicRota {
      shifts = List.copyOf(shifts);
    }
  }

  /**
   * @param days days on which the shift starts; empty means every day
   * @param from start, local time; a shift whose {@code to} is not after {@code from} runs past
   *     midnight
   * @param escalation recipients per escalation level, level 0 first
   */
  public record Shift(String name, Set<DayOfWeek> days, LocalTime from, LocalTime to,
      List<List<String>> escalation) {
    public Shift {
      days = days.isEmpty() ? EnumSet.allOf(DayOfWeek.class) : EnumSet.copyOf(days);
      escalation = escalation.stream().map(List::copyOf).toList();
    }

    boolean covers(ZonedDateTime at) {
      LocalTime t = at.toLocalTime();
      if (from.isBefore(to)) {
        return !t.isBefore(from) && t.isBefore(to) && days.contains(at.getDayOfWeek());
      }
      // Runs past midnight: after 'from' on a start day, or before 'to' the day after one.
      if (!t.isBefore(from)) {
        return days.contains(at.getDayOfWeek());
      }
      return t.isBefore(to) && days.contains(at.getDayOfWeek().minus(1));
    }
  }

  public OnCallRouting {
    recipients = Map.copyOf(recipients);
    clinics = Map.copyOf(clinics);
    for (Map.Entry<String, ClinicRota> c : clinics.entrySet()) {
      for (Shift s : c.getValue().shifts()) {
        for (List<String> level : s.escalation()) {
          for (String id : level) {
            if (!recipients.containsKey(id)) {
              throw new IllegalArgumentException("clinic " + c.getKey() + " shift " + s.name()
                  + " names unknown recipient '" + id + "'");
            }
          }
        }
      }
    }
  }

  public Optional<ClinicRota> rotaOf(String clinicId) {
    return Optional.ofNullable(clinics.get(clinicId));
  }

  /**
   * Recipients for an alert of the clinic at this escalation level and time. A level beyond the
   * chain goes to its last link: the top of the chain keeps being told.
   */
  public List<Recipient> recipientsFor(String clinicId, int escalationLevel, Instant at) {
    ClinicRota rota = clinics.get(clinicId);
    if (rota == null) {
      return List.of();
    }
    ZonedDateTime local = at.atZone(rota.zone());
    for (Shift shift : rota.shifts()) {
      if (shift.covers(local) && !shift.escalation().isEmpty()) {
        int level = Math.min(escalationLevel, shift.escalation().size() - 1);
        return shift.escalation().get(level).stream().map(recipients::get).toList();
      }
    }
    return List.of();
  }

  public static OnCallRouting load(Path file) {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
    try {
      return fromTree(yaml.readTree(file.toFile()), file.toString());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read on-call routing " + file, e);
    }
  }

  static OnCallRouting fromTree(JsonNode root, String source) {
    Map<String, Recipient> recipients = new LinkedHashMap<>();
    for (JsonNode r : root.path("recipients")) {
      String id = required(r, "id", source);
      if (r.hasNonNull("email")) {
        recipients.put(id, new EmailRecipient(id, r.get("email").asText()));
      } else if (r.hasNonNull("webhook")) {
        String secret = r.hasNonNull("secretEnv") ? System.getenv(r.get("secretEnv").asText())
            : r.path("secret").asText(null);
        if (secret == null || secret.isEmpty()) {
          throw new IllegalArgumentException(source + ": webhook " + id + " needs secret or secretEnv");
        }
        recipients.put(id, new WebhookRecipient(id, URI.create(r.get("webhook").asText()), secret));
      } else {
        throw new IllegalArgumentException(source + ": recipient " + id + " needs email or webhook");
      }
    }
    Map<String, ClinicRota> clinics = new LinkedHashMap<>();
    root.path("clinics").fields().forEachRemaining(c -> {
      JsonNode n = c.getValue();
      List<Shift> shifts = new ArrayList<>();
      for (JsonNode s : n.path("shifts")) {
        Set<DayOfWeek> days = EnumSet.noneOf(DayOfWeek.class);
        s.path("days").forEach(d -> days.add(DayOfWeek.valueOf(d.asText().toUpperCase())));
        List<List<String>> chain = new ArrayList<>();
        for (JsonNode level : s.path("escalation")) {
          List<String> ids = new ArrayList<>();
          level.forEach(id -> ids.add(id.asText()));
          chain.add(ids);
        }
        shifts.add(new Shift(s.path("name").asText("shift"), days,
            LocalTime.parse(s.path("from").asText("00:00")), LocalTime.parse(s.path("to").asText("00:00")),
            chain));
      }
      clinics.put(c.getKey(), new ClinicRota(ZoneId.of(n.path("zone").asText("UTC")),
          Severity.valueOf(n.path("minimumSeverity").asText("MEDIUM")), shifts));
    });
    return new OnCallRouting(recipients, clinics);
  }

  private static String required(JsonNode node, String field, String source) {
    if (!node.hasNonNull(field)) {
      throw new IllegalArgumentException(source + ": missing '" + field + "' in " + node);
    }
    return node.get(field).asText();
  }
}
