package dev.kyoyu.service.http;

import io.helidon.http.Method;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.WebServer;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The routes a server registered, as method and path template, recorded while its routing is built. Helidon 4 keeps
 * its routes behind package-private types with no public listing, so the routing is handed a recording view of itself
 * instead: every {@code get/post/…(path, handler)} and every service registered under a prefix passes through here on
 * its way to Helidon. The OpenAPI contract tests compare this list with the published document, in both directions.
 */
public final class RouteLog {
    /** One route; a path ending in {@code /*} matches everything under it (the not-found fallback is {@code ANY /*}). */
    public record Route(String method, String path) {
    }

    private static final Set<String> VERBS = Set.of("get", "post", "put", "delete", "patch", "head", "options", "trace", "any");

    private final List<Route> routes = new CopyOnWriteArrayList<>();

    /** A view of {@code routing} that records each route it is given, then passes it on unchanged. */
    public HttpRouting.Builder recording(HttpRouting.Builder routing) {
        return proxy(HttpRouting.Builder.class, routing, "");
    }

    public List<Route> routes() {
        return List.copyOf(routes);
    }

    private <T> T proxy(Class<T> type, T target, String prefix) {
        InvocationHandler handler = (self, method, args) -> {
            Object[] passed = record(method.getName(), args, prefix);
            Object result;
            try {
                result = method.invoke(target, passed);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
            return result == target ? self : result;
        };
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
    }

    /** Records what the call registers; services are wrapped so that their own rules are recorded under the prefix. */
    private Object[] record(String name, Object[] args, String prefix) {
        if (args == null || args.length == 0) {
            return args;
        }
        if (VERBS.contains(name)) {
            boolean withPath = args[0] instanceof String;
            routes.add(new Route(name.toUpperCase(Locale.ROOT), join(prefix, withPath ? (String) args[0] : "/*")));
        } else if (name.equals("route") && args.length == 3 && args[0] instanceof Method method && args[1] instanceof String path) {
            routes.add(new Route(method.text(), join(prefix, path)));
        } else if (name.equals("register") && args.length == 2 && args[0] instanceof String path
                && args[1] instanceof HttpService[] services) {
            HttpService[] wrapped = new HttpService[services.length];
            for (int i = 0; i < services.length; i++) {
                wrapped[i] = new RecordedService(services[i], join(prefix, path));
            }
            return new Object[] {path, wrapped};
        } else if (name.equals("register") || name.equals("route")) {
            // A route whose path this log cannot read: recorded so that the contract test fails until it is taught it.
            routes.add(new Route("?", prefix + " (" + name + " without a path template)"));
        }
        return args;
    }

    private static String join(String prefix, String path) {
        String joined = (prefix + "/" + path).replaceAll("/+", "/");
        return joined.length() > 1 && joined.endsWith("/") ? joined.substring(0, joined.length() - 1) : joined;
    }

    /** A service whose rules are recorded under its prefix; its lifecycle is its own. */
    private final class RecordedService implements HttpService {
        private final HttpService service;
        private final String prefix;

        RecordedService(HttpService service, String prefix) {
            this.service = service;
            this.prefix = prefix;
        }

        @Override
        public void routing(HttpRules rules) {
            service.routing(proxy(HttpRules.class, rules, prefix));
        }

        @Override
        public void beforeStart() {
            service.beforeStart();
        }

        @Override
        public void afterStart(WebServer webServer) {
            service.afterStart(webServer);
        }

        @Override
        public void afterStop() {
            service.afterStop();
        }
    }
}
