package io.pumptwin.alerting.notify;

import io.pumptwin.events.AlertEvent;

/** A way of telling a recipient about an alert transition. */
interface Channel<R extends OnCallRouting.Recipient> {
  /** One attempt; never throws for a delivery failure, which is an {@link Attempt} outcome. */
  Attempt send(R recipient, AlertEvent alert, String notificationId, int attempt);
}
