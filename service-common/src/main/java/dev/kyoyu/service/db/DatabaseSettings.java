package dev.kyoyu.service.db;

import dev.kyoyu.service.auth.Secret;
import dev.kyoyu.service.config.EnvReader;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a service's PostgreSQL is and how it logs in, read from the environment in one place for every service
 * ({@code KYOYU_PG_URL}, {@code KYOYU_PG_USER}, {@code KYOYU_PG_PASSWORD}). The password is a {@link Secret}, and
 * {@link #toString()} shows the URL without its query string (which may carry one too), so neither reaches a log,
 * an exception message or /health.
 *
 * @param password empty when the server asks for none
 */
public record DatabaseSettings(String url, String user, Optional<Secret> password) {
    public static final String URL_EXAMPLE = "jdbc:postgresql://127.0.0.1:55432/kyoyu";
    public static final String DEFAULT_USER = "kyoyu";

    public DatabaseSettings {
        Objects.requireNonNull(password, "password");
    }

    public static DatabaseSettings read(EnvReader r) {
        return new DatabaseSettings(r.required("KYOYU_PG_URL", URL_EXAMPLE), r.string("KYOYU_PG_USER", DEFAULT_USER),
                Optional.ofNullable(r.optionalSecret("KYOYU_PG_PASSWORD")));
    }

    /** The same login on another server, e.g. a streaming replica (which has the primary's roles). */
    public DatabaseSettings withUrl(String otherUrl) {
        return new DatabaseSettings(otherUrl, user, password);
    }

    /** A JDBC URL without its query string, which may carry a password: for logs. */
    public static String withoutParameters(String jdbcUrl) {
        if (jdbcUrl == null) {
            return null;
        }
        int query = jdbcUrl.indexOf('?');
        return query < 0 ? jdbcUrl : jdbcUrl.substring(0, query);
    }

    @Override
    public String toString() {
        return "DatabaseSettings[url=" + withoutParameters(url) + ", user=" + user + ", password="
                + (password.isPresent() ? password.get() : "none") + "]";
    }
}
