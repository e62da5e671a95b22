package io.pumptwin.replay;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import picocli.CommandLine;

/** An instant on the command line: {@code 2026-06-01T00:00:00Z}, or a day {@code 2026-06-01} (its start, UTC). */
final class TimeArgument implements CommandLine.ITypeConverter<Instant> {
  @Override
  public Instant convert(String value) {
    try {
      return value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
          : Instant.parse(value);
    } catch (DateTimeParseException e) {
      throw new CommandLine.TypeConversionException("'" + value
          + "' is not a UTC instant (2026-06-01T00:00:00Z) or a day (2026-06-01)");
    }
  }
}
