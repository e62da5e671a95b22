package io.pumptwin.embedded;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Apicurio Registry's distribution archive from Maven Central ({@code apicurio-registry-app},
 * classifier {@code all}, type {@code tar.gz}), unpacked once into a cache directory shared by every
 * run on this machine.
 */
public final class ApicurioDistribution {
  private static final Logger log = LoggerFactory.getLogger(ApicurioDistribution.class);

  /** The system property the build sets to the archive in the local Maven repository. */
  public static final String ARCHIVE_PROPERTY = "pumptwin.apicurio.dist";

  /** 2.6.x is the last line that runs on Java 17 (ENVIRONMENT.md: 3.x needs Java 21). */
  public static final String VERSION = "2.6.13.Final";

  private ApicurioDistribution() {}

  /**
   * The archive named by {@value #ARCHIVE_PROPERTY}, or else the one in the default local Maven
   * repository, where the parent build's validate phase puts it.
   */
  public static Path defaultArchive() {
    String configured = System.getProperty(ARCHIVE_PROPERTY);
    if (configured != null && !configured.isBlank()) {
      return Path.of(configured);
    }
    return Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "apicurio",
        "apicurio-registry-app", VERSION, "apicurio-registry-app-" + VERSION + "-all.tar.gz");
  }

  /** ~/.cache/pumptwin: survives builds, so the 140 MB archive is unpacked once per machine. */
  public static Path defaultCacheDir() {
    return Path.of(System.getProperty("user.home"), ".cache", "pumptwin");
  }

  /**
   * The runner jar, unpacking the archive into {@code cacheDir} first if needed. Unpacks into a
   * private directory and renames it into place, so concurrent test JVMs never see half an archive.
   */
  public static Path runnerJar(Path archive, Path cacheDir) {
    String name = archive.getFileName().toString().replaceFirst("(-all)?\\.tar\\.gz$", "");
    Path target = cacheDir.resolve(name);
    Optional<Path> existing = findRunner(target);
    if (existing.isPresent()) {
      return existing.get();
    }
    if (!Files.isRegularFile(archive)) {
      throw new EmbeddedStartupException("Apicurio Registry distribution not found at " + archive
          + ": run the build once (mvn validate fetches io.apicurio:apicurio-registry-app:" + VERSION
          + ":tar.gz:all) or set -D" + ARCHIVE_PROPERTY + "=<path>");
    }
    long started = System.nanoTime();
    Path staging;
    try {
      Files.createDirectories(cacheDir);
      staging = Files.createTempDirectory(cacheDir, name + ".unpacking-");
      unpack(archive, staging);
    } catch (IOException e) {
      throw new EmbeddedStartupException("cannot unpack " + archive + " into " + cacheDir, e);
    }
    try {
      Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
      log.info("event=registry.unpacked archive={} into={} ms={}", archive, target,
          (System.nanoTime() - started) / 1_000_000);
    } catch (FileAlreadyExistsException | AtomicMoveNotSupportedException e) {
      TempTree.delete(staging); // another JVM won the race; its copy is complete
    } catch (IOException e) {
      TempTree.delete(staging);
      if (findRunner(target).isEmpty()) {
        throw new EmbeddedStartupException("cannot move unpacked registry into " + target, e);
      }
    }
    return findRunner(target).orElseThrow(() -> new EmbeddedStartupException(
        "no *-runner.jar in " + target + " unpacked from " + archive));
  }

  private static Optional<Path> findRunner(Path dir) {
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().endsWith("-runner.jar")).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static void unpack(Path archive, Path into) throws IOException {
    Path root = into.toAbsolutePath().normalize();
    try (InputStream file = new BufferedInputStream(Files.newInputStream(archive));
        TarArchiveInputStream tar = new TarArchiveInputStream(new GzipCompressorInputStream(file))) {
      TarArchiveEntry entry;
      while ((entry = tar.getNextEntry()) != null) {
        Path out = root.resolve(entry.getName()).normalize();
        if (!out.startsWith(root)) {
          throw new IOException("archive entry escapes the target directory: " + entry.getName());
        }
        if (entry.isDirectory()) {
          Files.createDirectories(out);
        } else {
          Files.createDirectories(out.getParent());
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    }
  }
}
