package io.pumptwin.gateway.device;

import java.util.Optional;

/** Where the gateway looks devices up; an operator manages what is behind it. */
public interface DeviceDirectory {
  Optional<Device> find(String deviceId);
}
