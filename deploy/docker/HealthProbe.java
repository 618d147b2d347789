import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The images' HEALTHCHECK: GET http://127.0.0.1:PORT/health, exit 0 on 200 and 1 otherwise. The runtime image is a
 * bare JRE, so the probe is Java rather than curl or wget. PORT is the value of the setting that holds the service's
 * port (e.g. KYOYU_INGEST_PORT), else that setting's default, so the probe follows the port the service was given.
 * The setting and its default are the two arguments when given (compose's health checks name them), else the image's
 * KYOYU_HEALTH_PORT_SETTING and KYOYU_HEALTH_PORT_DEFAULT: the Dockerfile's HEALTHCHECK cannot expand variables.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        String setting = args.length == 2 ? args[0] : System.getenv("KYOYU_HEALTH_PORT_SETTING");
        String defaultPort = args.length == 2 ? args[1] : System.getenv("KYOYU_HEALTH_PORT_DEFAULT");
        if ((args.length != 0 && args.length != 2) || blank(setting) || blank(defaultPort)) {
            System.err.println("usage: HealthProbe [PORT_SETTING DEFAULT_PORT]"
                    + " (without arguments: KYOYU_HEALTH_PORT_SETTING and KYOYU_HEALTH_PORT_DEFAULT)");
            System.exit(2);
        }
        String port = System.getenv(setting.strip());
        if (blank(port)) {
            port = defaultPort;
        }
        URI uri = URI.create("http://127.0.0.1:" + port.strip() + "/health");
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(3)).GET().build();
            int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
            if (status != 200) {
                System.err.println(uri + " answered " + status);
            }
            System.exit(status == 200 ? 0 : 1);
        } catch (Exception e) {
            System.err.println(uri + ": " + e);
            System.exit(1);
        }
    }

    private static boolean blank(String value) {
        return value == null || value.isBlank();
    }
}
