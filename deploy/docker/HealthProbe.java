import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The images' HEALTHCHECK: GET http://127.0.0.1:PORT/health, exit 0 on 200 and 1 otherwise. The runtime image is a
 * bare JRE, so the probe is Java rather than curl or wget. Arguments: the setting that holds the service's port
 * (e.g. KYOYU_INGEST_PORT) and that setting's default, so the probe follows the port the service was given.
 */
public final class HealthProbe {
    private HealthProbe() {
    }

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: HealthProbe PORT_SETTING DEFAULT_PORT");
            System.exit(2);
        }
        String port = System.getenv(args[0]);
        if (port == null || port.isBlank()) {
            port = args[1];
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
}
