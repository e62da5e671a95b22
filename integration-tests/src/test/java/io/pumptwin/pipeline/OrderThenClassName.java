package io.pumptwin.pipeline;

import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;
import org.junit.jupiter.api.Order;

/**
 * Runs this module's test classes by {@link Order} (unannotated: {@link Order#DEFAULT}), then by
 * fully qualified name, so the order is the same on every machine. The classes share one broker and
 * some read a topic from its beginning and look at the first records only; the order keeps the
 * classes that write much to a topic after those (see junit-platform.properties).
 */
public final class OrderThenClassName implements ClassOrderer {
  @Override
  public void orderClasses(ClassOrdererContext context) {
    context.getClassDescriptors().sort(Comparator
        .comparingInt((ClassDescriptor d) -> d.findAnnotation(Order.class).map(Order::value)
            .orElse(Order.DEFAULT))
        .thenComparing(d -> d.getTestClass().getName()));
  }
}
