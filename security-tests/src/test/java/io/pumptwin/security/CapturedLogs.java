package io.pumptwin.security;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;

/**
 * Every log line written while it is attached (Kafka's own client and broker logs at INFO
 * included, where the client configuration is printed), with its exception: what an operator's
 * log collector would receive.
 */
final class CapturedLogs extends AbstractAppender implements AutoCloseable {
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Level kafkaLevelBefore;

  private CapturedLogs() {
    super("captured-" + System.nanoTime(), null, null, true, Property.EMPTY_ARRAY);
    kafkaLevelBefore = LogManager.getLogger("org.apache.kafka").getLevel();
  }

  static CapturedLogs attach() {
    CapturedLogs logs = new CapturedLogs();
    logs.start();
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    config.getRootLogger().addAppender(logs, Level.ALL, null);
    config.getLoggers().values().forEach(l -> {
      if (!l.isAdditive()) {
        l.addAppender(logs, Level.ALL, null);
      }
    });
    context.updateLoggers();
    // Kafka prints every client's configuration at INFO: the place a password would leak.
    Configurator.setLevel("org.apache.kafka", Level.INFO);
    return logs;
  }

  @Override
  public void append(LogEvent event) {
    StringBuilder line = new StringBuilder(event.getLoggerName()).append(' ')
        .append(event.getMessage().getFormattedMessage());
    for (Throwable t = event.getThrown(); t != null; t = t.getCause()) {
      line.append(" | ").append(t);
    }
    lines.add(line.toString());
  }

  List<String> lines() {
    return List.copyOf(lines);
  }

  @Override
  public void close() {
    Configurator.setLevel("org.apache.kafka", kafkaLevelBefore);
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    config.getRootLogger().removeAppender(getName());
    config.getLoggers().values().forEach(l -> l.removeAppender(getName()));
    context.updateLoggers();
    stop();
  }
}
