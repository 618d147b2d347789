package dev.kyoyu.service.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.helidon.http.Method;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRoute;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RouteLogTest {
    private static final Handler OK = (req, res) -> res.send("ok");

    @Test
    void recordsRoutesOfTheRoutingAndOfServicesUnderTheirPrefix() {
        RouteLog log = new RouteLog();
        HttpRouting.Builder routing = log.recording(HttpRouting.builder());
        routing.get("/health", OK);
        routing.register("/v1/runs", new HttpService() {
            @Override
            public void routing(HttpRules rules) {
                rules.post("/", OK);
                rules.post("/{run_id}/events", OK);
                rules.route(Method.DELETE, "/{run_id}", OK);
                rules.register("/nested", nested -> nested.get("/deep", OK));
            }
        });
        routing.any(OK);
        routing.build(); // a service's rules are given to it while the routing is built

        assertEquals(Set.of(
                new RouteLog.Route("GET", "/health"),
                new RouteLog.Route("POST", "/v1/runs"),
                new RouteLog.Route("POST", "/v1/runs/{run_id}/events"),
                new RouteLog.Route("DELETE", "/v1/runs/{run_id}"),
                new RouteLog.Route("GET", "/v1/runs/nested/deep"),
                new RouteLog.Route("ANY", "/*")), Set.copyOf(log.routes()));
    }

    @Test
    void aRouteWithoutAReadablePathIsRecordedAsUnknownSoThatTheContractTestFails() {
        RouteLog log = new RouteLog();
        log.recording(HttpRouting.builder()).route(HttpRoute.builder().methods(Method.GET).path("/hidden").handler(OK).build());
        assertEquals("?", log.routes().getFirst().method());
    }
}
