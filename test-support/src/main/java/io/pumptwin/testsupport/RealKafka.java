package io.pumptwin.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Gives the test class a real Kafka broker and a real schema registry: declare a {@link RealStack}
 * parameter on a test, constructor or lifecycle method. One stack serves the whole test JVM; give
 * each test its own group, application id or private topic ({@link RealStack#uniqueId(String)}).
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(RealKafkaExtension.class)
public @interface RealKafka {}
