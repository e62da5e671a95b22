package io.pumptwin.gateway.device;

import io.pumptwin.schemas.device.RequestSignature;
import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.gateway.device.DeviceAuthenticator.Failure;
import io.pumptwin.gateway.device.DeviceAuthenticator.Verdict;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeviceAuthenticatorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T08:15:00Z");
  private static final String SECRET = "s3cr3t-s3cr3t-s3cr3t-s3cr3t";
  private static final byte[] BODY = "{\"events\":[]}".getBytes(StandardCharsets.UTF_8);

  private final Device device = new Device("hc-1", SECRET, Set.of("NGP1"));
  private final DeviceDirectory directory = id -> Optional.ofNullable(Map.of("hc-1", device).get(id));
  private final DeviceAuthenticator auth = new DeviceAuthenticator(directory,
      new DeviceAuthSettings(Duration.ofMinutes(5), 100));

  @Test
  void aCorrectlySignedRequestIsTheDevice() {
    String ts = ms(NOW);
    assertThat(auth.authenticate("hc-1", ts, RequestSignature.sign(SECRET, ts, BODY), BODY, NOW))
        .isEqualTo(new Verdict.Authenticated(device));
  }

  @Test
  void missingHeadersAreRefused() {
    assertThat(failure(auth.authenticate(null, ms(NOW), "ab", BODY, NOW))).isEqualTo(Failure.MISSING_CREDENTIALS);
    assertThat(failure(auth.authenticate("hc-1", null, "ab", BODY, NOW))).isEqualTo(Failure.MISSING_CREDENTIALS);
    assertThat(failure(auth.authenticate("hc-1", ms(NOW), " ", BODY, NOW))).isEqualTo(Failure.MISSING_CREDENTIALS);
  }

  @Test
  void anUnknownDeviceAndAWrongSecretAreRefusedAlike() {
    String ts = ms(NOW);
    Verdict unknown = auth.authenticate("hc-9", ts, RequestSignature.sign(SECRET, ts, BODY), BODY, NOW);
    Verdict forged = auth.authenticate("hc-1", ts, RequestSignature.sign("guessed-guessed-guessed", ts, BODY), BODY, NOW);
    assertThat(failure(unknown)).isEqualTo(Failure.UNKNOWN_DEVICE);
    assertThat(failure(forged)).isEqualTo(Failure.BAD_SIGNATURE);
    assertThat(((Verdict.Refused) unknown).detail()).isEqualTo(((Verdict.Refused) forged).detail());
  }

  @Test
  void aTamperedBodyOrTimestampBreaksTheSignature() {
    String ts = ms(NOW);
    String sig = RequestSignature.sign(SECRET, ts, BODY);
    byte[] tampered = "{\"events\":[1]}".getBytes(StandardCharsets.UTF_8);
    assertThat(failure(auth.authenticate("hc-1", ts, sig, tampered, NOW))).isEqualTo(Failure.BAD_SIGNATURE);
    assertThat(failure(auth.authenticate("hc-1", ms(NOW.plusSeconds(1)), sig, BODY, NOW)))
        .isEqualTo(Failure.BAD_SIGNATURE);
  }

  @Test
  void timestampsOutsideTheWindowAreRefusedEitherWay() {
    for (Instant at : new Instant[] {NOW.minusSeconds(301), NOW.plusSeconds(301)}) {
      String ts = ms(at);
      assertThat(failure(auth.authenticate("hc-1", ts, RequestSignature.sign(SECRET, ts, BODY), BODY, NOW)))
          .isEqualTo(Failure.BAD_TIMESTAMP);
    }
    assertThat(failure(auth.authenticate("hc-1", "yesterday", "ab", BODY, NOW))).isEqualTo(Failure.BAD_TIMESTAMP);
  }

  @Test
  void aSignatureIsAcceptedOnceEvenInAnotherCase() {
    String ts = ms(NOW);
    String sig = RequestSignature.sign(SECRET, ts, BODY);
    assertThat(auth.authenticate("hc-1", ts, sig, BODY, NOW)).isInstanceOf(Verdict.Authenticated.class);
    assertThat(failure(auth.authenticate("hc-1", ts, sig, BODY, NOW.plusSeconds(10)))).isEqualTo(Failure.REPLAYED);
    assertThat(failure(auth.authenticate("hc-1", ts, sig.toUpperCase(), BODY, NOW.plusSeconds(10))))
        .isEqualTo(Failure.REPLAYED);
    // A retry signed anew is a new request.
    String ts2 = ms(NOW.plusSeconds(10));
    assertThat(auth.authenticate("hc-1", ts2, RequestSignature.sign(SECRET, ts2, BODY), BODY, NOW.plusSeconds(10)))
        .isInstanceOf(Verdict.Authenticated.class);
  }

  @Test
  void aFullReplayCacheRefusesRatherThanForgetsAndRecoversAsEntriesExpire() {
    DeviceAuthenticator small = new DeviceAuthenticator(directory, new DeviceAuthSettings(Duration.ofMinutes(5), 2));
    for (int i = 0; i < 2; i++) {
      String ts = ms(NOW.plusMillis(i));
      assertThat(small.authenticate("hc-1", ts, RequestSignature.sign(SECRET, ts, BODY), BODY, NOW))
          .isInstanceOf(Verdict.Authenticated.class);
    }
    String ts = ms(NOW.plusMillis(2));
    assertThat(failure(small.authenticate("hc-1", ts, RequestSignature.sign(SECRET, ts, BODY), BODY, NOW)))
        .isEqualTo(Failure.REPLAY_CACHE_FULL);
    Instant later = NOW.plus(Duration.ofMinutes(5)).plusSeconds(1);
    String ts3 = ms(later);
    assertThat(small.authenticate("hc-1", ts3, RequestSignature.sign(SECRET, ts3, BODY), BODY, later))
        .isInstanceOf(Verdict.Authenticated.class);
  }

  @Test
  void forgeriesDoNotFillTheReplayCache() {
    String ts = ms(NOW);
    for (int i = 0; i < 10; i++) {
      auth.authenticate("hc-1", ts, "00" + i, BODY, NOW);
    }
    assertThat(auth.rememberedSignatures()).isZero();
  }

  @Test
  void theDeviceNeverPrintsItsSecret() {
    assertThat(device.toString()).doesNotContain(SECRET);
  }

  @Test
  void aDeviceReportsOnlyForItsOwnPumpsUnlessProvisionedForAny() {
    assertThat(device.mayReportFor("NGP1")).isTrue();
    assertThat(device.mayReportFor("NGP2")).isFalse();
    assertThat(new Device("sim", SECRET, Set.of(Device.ANY_PUMP)).mayReportFor("NGP2")).isTrue();
  }

  @Test
  void theSignatureMatchesAnIndependentlyComputedHmac() throws Exception {
    javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
    mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    byte[] expected = mac.doFinal(("1767225600000\n" + new String(BODY, StandardCharsets.UTF_8))
        .getBytes(StandardCharsets.UTF_8));
    assertThat(RequestSignature.sign(SECRET, "1767225600000", BODY))
        .isEqualTo(java.util.HexFormat.of().formatHex(expected));
  }

  private static Failure failure(Verdict v) {
    assertThat(v).isInstanceOf(Verdict.Refused.class);
    return ((Verdict.Refused) v).failure();
  }

  private static String ms(Instant t) {
    return Long.toString(t.toEpochMilli());
  }
}
