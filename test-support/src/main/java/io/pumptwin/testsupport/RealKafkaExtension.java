package io.pumptwin.testsupport;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one {@link RealStack} per test JVM, lazily, in the root store: JUnit closes it (and so
 * ends the registry child and stops the broker) when the whole run is over.
 */
public final class RealKafkaExtension implements ParameterResolver {
  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(RealKafkaExtension.class);

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == RealStack.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    try {
      return context.getRoot().getStore(NAMESPACE)
          .getOrComputeIfAbsent(RealStack.class, key -> RealStack.startOnFreePorts(), RealStack.class);
    } catch (RuntimeException e) {
      throw new ParameterResolutionException("cannot start the real Kafka broker and registry: "
          + e.getMessage(), e);
    }
  }
}
