package io.pumptwin.deploy;

import io.pumptwin.gateway.GatewayMain;
import io.pumptwin.gateway.device.ProvisionDevice;
import java.util.Arrays;

/**
 * Entry point of the {@code pumptwin/telemetry-gateway} image. The gateway's own command already
 * reads its settings from the environment ({@code KAFKA_BOOTSTRAP_SERVERS}, {@code SCHEMA_REGISTRY_URL},
 * {@code GATEWAY_DEVICE_FILE}, {@code GATEWAY_PORT}); this adds the topic provisioning every image
 * does, and {@code provision-device ...} so an operator issues a device's secret with the same image
 * ({@code docker exec gateway pumptwin provision-device --file ... --device ... --pump ...}).
 */
public final class GatewayContainer {
  private GatewayContainer() {}

  public static void main(String[] args) throws Exception {
    if (args.length > 0 && args[0].equals("provision-device")) {
      ProvisionDevice.main(Arrays.copyOfRange(args, 1, args.length));
      return;
    }
    TopicProvisioning.ifEnabled(ContainerEnv.fromSystem());
    GatewayMain.main(args);
  }
}
