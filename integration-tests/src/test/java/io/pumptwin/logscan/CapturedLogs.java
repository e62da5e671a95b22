package io.pumptwin.logscan;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Everything the services in this JVM log while it is open, written to a file: an appender on the
 * root logger and on every configured logger (those with additivity off too), with PumpTwin's own
 * loggers lowered to DEBUG for the duration, because a secret logged at debug level is still a leak
 * the day someone turns debug on. Messages, MDC, exceptions and their causes are all in the file.
 */
final class CapturedLogs implements AutoCloseable {
  private static final String NAME = "log-scan-capture";
  private static final String OWN_LOGGERS = "io.pumptwin";

  private final Path file;
  private final LoggerContext context;
  private final Appender appender;
  private final boolean addedOwnLoggerConfig;

  private CapturedLogs(Path file) {
    this.file = file;
    this.context = (LoggerContext) LogManager.getContext(false);
    Configuration config = context.getConfiguration();
    this.appender = FileAppender.newBuilder()
        .setName(NAME)
        .withFileName(file.toString())
        .withImmediateFlush(true)
        .setLayout(PatternLayout.newBuilder().withConfiguration(config)
            .withPattern("%d{HH:mm:ss.SSS} %-5level [%t] %c %X %msg%n%throwable").build())
        .setConfiguration(config)
        .build();
    appender.start();
    config.addAppender(appender);
    this.addedOwnLoggerConfig = !config.getLoggers().containsKey(OWN_LOGGERS);
    if (addedOwnLoggerConfig) {
      LoggerConfig own = new LoggerConfig(OWN_LOGGERS, Level.DEBUG, true);
      config.addLogger(OWN_LOGGERS, own);
    }
    for (LoggerConfig logger : loggers(config)) {
      logger.addAppender(appender, Level.ALL, null);
    }
    context.updateLoggers();
  }

  static CapturedLogs to(Path file) {
    return new CapturedLogs(file);
  }

  Path file() {
    return file;
  }

  List<String> lines() {
    try {
      return Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    Configuration config = context.getConfiguration();
    for (LoggerConfig logger : loggers(config)) {
      logger.removeAppender(NAME);
    }
    if (addedOwnLoggerConfig) {
      config.removeLogger(OWN_LOGGERS);
    }
    context.updateLoggers();
    appender.stop();
  }

  /** The root and every logger that does not pass its events on to it (each event once). */
  private static List<LoggerConfig> loggers(Configuration config) {
    List<LoggerConfig> all = new java.util.ArrayList<>(config.getLoggers().values().stream()
        .filter(l -> !l.isAdditive() && l != config.getRootLogger()).toList());
    all.add(config.getRootLogger());
    return all;
  }
}
