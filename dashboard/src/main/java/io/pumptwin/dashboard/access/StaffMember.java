package io.pumptwin.dashboard.access;

import io.pumptwin.events.StaffRole;
import java.util.Objects;
import java.util.Set;

/**
 * Who is signed in: a pseudonymous staff id (never a name), a role, and the clinics whose pumps
 * they may see. Every view and command of the dashboard is filtered through this.
 */
public record StaffMember(String userId, StaffRole role, Set<String> clinics) {

  public StaffMember {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(role, "role");
    clinics = Set.copyOf(clinics);
  }

  public boolean maySee(String clinicId) {
    return clinicId != null && clinics.contains(clinicId);
  }

  /** Acknowledge and silence are for the people who answer for the pump: on-call staff and admins. */
  public boolean mayAct() {
    return role == StaffRole.ON_CALL || role == StaffRole.ADMIN;
  }
}
