package io.pumptwin.service.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.javalin.Javalin;
import org.junit.jupiter.api.Test;

class HttpRoutesTest {

  @Test
  void listsEveryRouteWithItsMethodSortedAndLeavesOutFilters() {
    Javalin app = Javalin.create()
        .before(ctx -> ctx.header("X-Request-Seen", "yes"))
        .post("/v1/telemetry", ctx -> ctx.status(202))
        .get("/health", ctx -> ctx.result("UP"))
        .delete("/v1/alerts/{id}", ctx -> ctx.status(204))
        .get("/v1/pumps/{serial}", ctx -> ctx.result("{}"))
        .after(ctx -> ctx.header("X-Request-Done", "yes"));

    assertThat(HttpRoutes.of(app)).containsExactly(
        "DELETE /v1/alerts/{id}", "GET /health", "GET /v1/pumps/{serial}", "POST /v1/telemetry");
  }

  @Test
  void aServerWithoutRoutesHasNone() {
    assertThat(HttpRoutes.of(Javalin.create())).isEmpty();
  }
}
