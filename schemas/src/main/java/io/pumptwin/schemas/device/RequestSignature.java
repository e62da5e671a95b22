package io.pumptwin.schemas.device;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The device request signature (part of the device contract: devices sign, the gateway verifies): lowercase hex of HMAC-SHA256, keyed with the UTF-8 bytes of the
 * device secret, over the {@code X-Timestamp} header value, a line feed, and the exact body bytes.
 * Signing the timestamp with the body is what lets the gateway refuse an old request replayed with
 * a fresh timestamp.
 */
public final class RequestSignature {
  public static final String DEVICE_HEADER = "X-Device-Id";
  public static final String TIMESTAMP_HEADER = "X-Timestamp";
  public static final String SIGNATURE_HEADER = "X-Signature";
  private static final String ALGORITHM = "HmacSHA256";

  private RequestSignature() {}

  public static String sign(String secret, String timestamp, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
      mac.update((byte) '\n');
      mac.update(body);
      return HexFormat.of().formatHex(mac.doFinal());
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is required of every Java runtime", e);
    }
  }

  /** Constant-time comparison, so response timing does not reveal how much of a forgery matched. */
  public static boolean verify(String secret, String timestamp, byte[] body, String signature) {
    byte[] expected = sign(secret, timestamp, body).getBytes(StandardCharsets.US_ASCII);
    byte[] given = signature.trim().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given);
  }
}
