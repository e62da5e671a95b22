package io.pumptwin.gateway.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;

/**
 * The mutation-based half of the fuzzing: takes the bytes of a valid request and breaks them the
 * way radio links, buggy firmware and attackers do (flipped bits, dropped, inserted or repeated
 * bytes, truncation, JSON tokens swapped). Seeded, so a run is reproducible from its seed.
 */
final class Mutator {
  private static final String[] JSON_TOKENS = {"{", "}", "[", "]", ",", ":", "\"", "null", "true",
      "-", "1e999", "0", "\\u0000", "\\ud800", "\\", "\"\"", "{}", "[]", "9999999999999999999999"};

  private final Random random;

  Mutator(Random random) {
    this.random = random;
  }

  /** One to four random byte-level mutations. */
  byte[] mutateBytes(byte[] valid) {
    byte[] out = valid;
    int rounds = 1 + random.nextInt(4);
    for (int i = 0; i < rounds; i++) {
      out = once(out);
    }
    return out;
  }

  /**
   * Mutations of an Avro body that keep the 5-byte wire-format header intact (so decoding proceeds
   * into the Avro binary), or, one time in five, that break the header itself.
   */
  byte[] mutateAvro(byte[] valid) {
    if (random.nextInt(5) == 0 || valid.length <= 5) {
      return mutateBytes(valid);
    }
    byte[] header = Arrays.copyOf(valid, 5);
    byte[] tail = mutateBytes(Arrays.copyOfRange(valid, 5, valid.length));
    byte[] out = Arrays.copyOf(header, 5 + tail.length);
    System.arraycopy(tail, 0, out, 5, tail.length);
    return out;
  }

  /** Replaces, inserts or deletes JSON structural tokens in the text. */
  byte[] mutateJsonText(byte[] valid) {
    String text = new String(valid, StandardCharsets.UTF_8);
    int rounds = 1 + random.nextInt(3);
    for (int i = 0; i < rounds && !text.isEmpty(); i++) {
      int at = random.nextInt(text.length());
      String token = JSON_TOKENS[random.nextInt(JSON_TOKENS.length)];
      text = switch (random.nextInt(3)) {
        case 0 -> text.substring(0, at) + token + text.substring(at);
        case 1 -> text.substring(0, at) + token + text.substring(Math.min(text.length(), at + 1 + random.nextInt(6)));
        default -> text.substring(0, at) + text.substring(Math.min(text.length(), at + 1 + random.nextInt(12)));
      };
    }
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private byte[] once(byte[] in) {
    if (in.length == 0) {
      return new byte[] {(byte) random.nextInt(256)};
    }
    int at = random.nextInt(in.length);
    switch (random.nextInt(7)) {
      case 0: { // flip one bit
        byte[] out = in.clone();
        out[at] ^= (byte) (1 << random.nextInt(8));
        return out;
      }
      case 1: { // replace a byte with an interesting one
        byte[] out = in.clone();
        byte[] interesting = {0, (byte) 0xff, (byte) 0x7f, (byte) 0x80, 1, '"', '\\', '{', '9'};
        out[at] = interesting[random.nextInt(interesting.length)];
        return out;
      }
      case 2: { // delete a run
        int n = Math.min(in.length - at, 1 + random.nextInt(8));
        byte[] out = new byte[in.length - n];
        System.arraycopy(in, 0, out, 0, at);
        System.arraycopy(in, at + n, out, at, in.length - at - n);
        return out;
      }
      case 3: { // insert random bytes
        int n = 1 + random.nextInt(8);
        byte[] out = new byte[in.length + n];
        System.arraycopy(in, 0, out, 0, at);
        for (int i = 0; i < n; i++) {
          out[at + i] = (byte) random.nextInt(256);
        }
        System.arraycopy(in, at, out, at + n, in.length - at);
        return out;
      }
      case 4: // truncate
        return Arrays.copyOf(in, at);
      case 5: { // repeat a chunk
        int n = Math.min(in.length - at, 1 + random.nextInt(16));
        byte[] out = new byte[in.length + n];
        System.arraycopy(in, 0, out, 0, at + n);
        System.arraycopy(in, at, out, at + n, in.length - at);
        return out;
      }
      default: { // overwrite with a large varint-looking run (Avro lengths), or digits (JSON numbers)
        byte[] out = in.clone();
        for (int i = at; i < Math.min(out.length, at + 5); i++) {
          out[i] = random.nextBoolean() ? (byte) 0xfe : (byte) '9';
        }
        return out;
      }
    }
  }
}
