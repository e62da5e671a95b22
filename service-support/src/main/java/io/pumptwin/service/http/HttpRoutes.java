package io.pumptwin.service.http;

import io.javalin.Javalin;
import java.util.List;

/**
 * The HTTP routes a Javalin server serves, as {@code "GET /path"}, sorted: the security tests check
 * that each route of each service is guarded (or deliberately open), so a route added later cannot
 * slip past them. Javalin offers no public listing, so this reads its internal router: kept in one
 * place, so that a Javalin upgrade that moves it breaks one method, not one per service.
 */
public final class HttpRoutes {

  private HttpRoutes() {
  }

  /** Routes with an HTTP method (GET, POST, ...); before/after handlers and the like are left out. */
  public static List<String> of(Javalin app) {
    return app.unsafeConfig().pvt.internalRouter.allHttpHandlers().stream()
        .map(e -> e.getEndpoint()).filter(e -> e.getMethod().isHttpMethod())
        .map(e -> e.getMethod() + " " + e.getPath()).sorted().toList();
  }
}
