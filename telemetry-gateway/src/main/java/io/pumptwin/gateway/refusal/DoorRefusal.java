package io.pumptwin.gateway.refusal;

import java.util.Objects;

/**
 * A request refused at the door: 401 (no trusted device) or 413 (too large), before the body was
 * validated. Everything here comes from the request as sent, so nothing in it is trusted: the
 * claimed device id is what the header said, not who sent it.
 *
 * @param status the HTTP status answered (401, 413, or 400 for a body that could not be read)
 * @param reasonCode the dead letter's reasonCode, e.g. BAD_SIGNATURE, BODY_TOO_LARGE
 * @param field the header or limit concerned, where one is ({@code X-Signature}, ...); may be null
 * @param detail why, as the client was told (never a secret)
 * @param remoteAddress the TCP peer (not X-Forwarded-For, which the sender writes itself)
 * @param claimedDevice the {@code X-Device-Id} header as sent; may be null
 * @param contentType the Content-Type header as sent; may be null
 * @param head the bytes of the body that were read (possibly all of it, possibly none)
 * @param bodyBytes the body's length when it was read in full, else -1
 * @param declaredLength the Content-Length header, -1 when absent (chunked)
 * @param limitBytes the body size limit for BODY_TOO_LARGE, else -1
 * @param authenticated whether the device was authenticated (413 for too many events): an
 *     accountable device, so its refusals are not rate-limited, like its other refusals
 */
public record DoorRefusal(
    int status,
    String reasonCode,
    String field,
    String detail,
    String remoteAddress,
    String claimedDevice,
    String contentType,
    byte[] head,
    long bodyBytes,
    long declaredLength,
    long limitBytes,
    boolean authenticated) {

  public DoorRefusal {
    Objects.requireNonNull(reasonCode, "reasonCode");
    Objects.requireNonNull(detail, "detail");
    head = head == null ? new byte[0] : head;
    remoteAddress = remoteAddress == null ? "unknown" : remoteAddress;
  }
}
