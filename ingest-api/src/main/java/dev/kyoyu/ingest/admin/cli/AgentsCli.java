package dev.kyoyu.ingest.admin.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kyoyu.service.config.ConfigException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ./kyoyu agents …} and {@code ./kyoyu api-key AGENT_ID}: the admin endpoints from the command line, as the admin
 * whose key is in {@code $KYOYU_HOME/admin-api-key}. A new API key goes to stdout as the first word (so
 * {@code KEY=$(./kyoyu api-key bob)} works), everything else for people to stderr or as a table. Errors of the API are
 * printed as the API gave them. Exit status: 0 done, 1 the API refused, 2 usage, 3 no admin key or no ingest-api.
 */
public final class AgentsCli {
    private static final Pattern DURATION = Pattern.compile("^(\\d+)(ms|s|m|h|d)?$");
    private static final String USAGE = """
            usage: ./kyoyu agents COMMAND
              create AGENT_ID [--role admin|agent|reader]   a new agent (role agent by default); prints its API key once
              list                                         every agent: role, status, keys
              show AGENT_ID                                one agent and its keys (ids only; keys are never shown again)
              rotate AGENT_ID [--overlap DURATION]         a new key; the old ones work for the overlap (default
                                                           KYOYU_KEY_ROTATION_OVERLAP of ingest-api; e.g. 0, 90s, 10m, 1h)
              revoke AGENT_ID [--key KEY_ID]               revoke one key, or the agent (all keys, all tokens)
              set-role AGENT_ID ROLE                       change the role; the agent's earlier tokens are refused
              revoke-tokens --role ROLE                    refuse every token of a role issued before now
              grant GRANTEE OWNER [--until ISO-INSTANT]    GRANTEE may read OWNER's data (until the instant, if given)
              ungrant GRANTEE OWNER                        withdraw that grant
            ./kyoyu api-key AGENT_ID                       a working key of the agent on stdout (creates it, or rotates)""";

    private final AdminClient client;
    private final PrintStream out;
    private final PrintStream err;

    AgentsCli(AdminClient client, PrintStream out, PrintStream err) {
        this.client = client;
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err));
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
            (args.length == 0 ? err : out).println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            return new AgentsCli(new AdminClient(AgentsCliConfig.fromEnv(env)), out, err).command(args[0],
                    Arrays.asList(args).subList(1, args.length));
        } catch (Usage e) {
            err.println(e.getMessage());
            err.println(USAGE);
            return 2;
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        } catch (AdminClient.Failure e) {
            err.println(e.getMessage());
            return e.status;
        }
    }

    private static final class Usage extends RuntimeException {
        Usage(String message) {
            super(message);
        }
    }

    private int command(String name, List<String> args) {
        Args a = new Args(args);
        switch (name) {
            case "create" -> {
                String agent = a.positional(0, "AGENT_ID");
                Map<String, Object> body = new LinkedHashMap<>(Map.of("agent_id", agent));
                a.option("--role").ifPresent(role -> body.put("role", role));
                a.done(1);
                printKey(client.call("POST", "/v1/admin/agents", body), "created agent");
            }
            case "list" -> {
                a.done(0);
                table(List.of("AGENT", "ROLE", "STATUS", "USABLE KEYS", "CREATED", "UPDATED BY"),
                        rows(client.call("GET", "/v1/admin/agents", null).path("agents")));
            }
            case "show" -> {
                String agent = a.positional(0, "AGENT_ID");
                a.done(1);
                JsonNode data = client.call("GET", "/v1/admin/agents/" + agent, null);
                for (String field : List.of("agent_id", "role", "revoked", "created_at", "tokens_not_before", "updated_at", "updated_by")) {
                    out.printf("%-18s %s%n", field, data.path(field).asText());
                }
                out.println();
                List<List<String>> keys = new ArrayList<>();
                for (JsonNode key : data.path("keys")) {
                    keys.add(List.of(key.path("key_id").asText(), key.path("created_at").asText(), text(key.path("expires_at")),
                            text(key.path("revoked_at")), key.path("usable").asBoolean() ? "yes" : "no"));
                }
                table(List.of("KEY ID", "CREATED", "EXPIRES", "REVOKED", "USABLE"), keys);
            }
            case "rotate" -> {
                String agent = a.positional(0, "AGENT_ID");
                Map<String, Object> body = new LinkedHashMap<>();
                a.option("--overlap").ifPresent(overlap -> body.put("overlap_seconds", seconds(overlap)));
                a.done(1);
                printKey(client.call("POST", "/v1/admin/agents/" + agent + "/keys", body), "rotated the key of agent");
            }
            case "revoke" -> {
                String agent = a.positional(0, "AGENT_ID");
                var key = a.option("--key");
                a.done(1);
                if (key.isPresent()) {
                    client.call("DELETE", "/v1/admin/agents/" + agent + "/keys/" + key.get(), null);
                    err.println("revoked key " + key.get() + " of agent " + agent);
                } else {
                    client.call("POST", "/v1/admin/agents/" + agent + "/revoke", Map.of());
                    err.println("revoked agent " + agent + ": every key, every token");
                }
            }
            case "set-role" -> {
                String agent = a.positional(0, "AGENT_ID");
                String role = a.positional(1, "ROLE");
                a.done(2);
                client.call("PUT", "/v1/admin/agents/" + agent + "/role", Map.of("role", role));
                err.println("agent " + agent + " has role " + role + "; its earlier tokens are refused");
            }
            case "revoke-tokens" -> {
                String role = a.option("--role").orElseThrow(() -> new Usage("revoke-tokens needs --role ROLE"));
                a.done(0);
                JsonNode data = client.call("POST", "/v1/admin/roles/" + role + "/revoke-tokens", Map.of());
                err.println("tokens of role " + role + " issued before " + data.path("tokens_not_before").asText() + " are refused");
            }
            case "grant" -> {
                String grantee = a.positional(0, "GRANTEE");
                String owner = a.positional(1, "OWNER");
                Map<String, Object> body = new LinkedHashMap<>();
                a.option("--until").ifPresent(until -> body.put("expires_at", instant(until)));
                a.done(2);
                JsonNode data = client.call("PUT", "/v1/admin/grants/" + grantee + "/" + owner, body);
                err.println(grantee + " may read the data of " + owner
                        + (data.path("expires_at").isNull() ? " until the grant is withdrawn" : " until " + data.path("expires_at").asText()));
            }
            case "ungrant" -> {
                String grantee = a.positional(0, "GRANTEE");
                String owner = a.positional(1, "OWNER");
                a.done(2);
                client.call("DELETE", "/v1/admin/grants/" + grantee + "/" + owner, null);
                err.println("withdrew the grant of " + grantee + " on the data of " + owner);
            }
            case "api-key" -> {
                String agent = a.positional(0, "AGENT_ID");
                a.done(1);
                apiKey(agent);
            }
            default -> throw new Usage("unknown command '" + name + "'");
        }
        return 0;
    }

    /** Creates the agent with role agent, or rotates its key when it exists; the key first on stdout, the how-to on stderr. */
    private void apiKey(String agent) {
        HttpResponse<String> created = client.send("POST", "/v1/admin/agents", Map.of("agent_id", agent, "role", "agent"));
        JsonNode data = created.statusCode() == 409
                ? client.call("POST", "/v1/admin/agents/" + agent + "/keys", Map.of())
                : AdminClient.data(created);
        out.println(data.path("api_key").asText());
        String quoted = agent.replace("\\", "\\\\").replace("\"", "\\\"");
        err.printf("""

                The API key of agent %s (role %s, key id %s), shown only now. Trade it for a token (valid for minutes;
                send it as "Authorization: Bearer <token>"):
                  curl -s -X POST %s/auth/token \\
                    -H 'Content-Type: application/json' \\
                    -d '{"agent_id":"%s","api_key":"%s"}'
                """, agent, data.path("role").asText(), data.path("key_id").asText(), client.ingestUrl(), quoted,
                data.path("api_key").asText());
    }

    private void printKey(JsonNode data, String what) {
        out.println(data.path("api_key").asText());
        err.println(what + " " + data.path("agent_id").asText() + " (role " + data.path("role").asText() + "): its new API key,"
                + " key id " + data.path("key_id").asText() + ", is above and shown only now");
    }

    private static List<List<String>> rows(JsonNode agents) {
        List<List<String>> rows = new ArrayList<>();
        for (JsonNode agent : agents) {
            int usable = 0;
            for (JsonNode key : agent.path("keys")) {
                usable += key.path("usable").asBoolean() ? 1 : 0;
            }
            rows.add(List.of(agent.path("agent_id").asText(), agent.path("role").asText(),
                    agent.path("revoked").asBoolean() ? "revoked" : "active", usable + "/" + agent.path("keys").size(),
                    agent.path("created_at").asText(), agent.path("updated_by").asText()));
        }
        return rows;
    }

    private void table(List<String> header, List<List<String>> rows) {
        int[] widths = new int[header.size()];
        for (List<String> row : concat(header, rows)) {
            for (int i = 0; i < row.size(); i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        for (List<String> row : concat(header, rows)) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                line.append(i == row.size() - 1 ? row.get(i) : String.format("%-" + (widths[i] + 2) + "s", row.get(i)));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static List<List<String>> concat(List<String> header, List<List<String>> rows) {
        List<List<String>> all = new ArrayList<>(rows.size() + 1);
        all.add(header);
        all.addAll(rows);
        return all;
    }

    private static String text(JsonNode value) {
        return value.isNull() || value.isMissingNode() ? "-" : value.asText();
    }

    static long seconds(String duration) {
        Matcher m = DURATION.matcher(duration);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            return switch (unit) {
                case "ms" -> n / 1000;
                case "s" -> n;
                case "m" -> n * 60;
                case "h" -> n * 3600;
                default -> n * 86400;
            };
        }
        try {
            return Duration.parse(duration).toSeconds();
        } catch (DateTimeParseException e) {
            throw new Usage("--overlap " + duration + " is not a duration (e.g. 0, 90s, 10m, 1h, PT30M)");
        }
    }

    private static String instant(String text) {
        try {
            return Instant.parse(text).toString();
        } catch (DateTimeParseException e) {
            throw new Usage("--until " + text + " is not an ISO-8601 instant (e.g. 2026-12-31T00:00:00Z)");
        }
    }

    /** Positional arguments and {@code --name value} options, each used once. */
    private static final class Args {
        private final List<String> positional = new ArrayList<>();
        private final Map<String, String> options = new LinkedHashMap<>();

        Args(List<String> args) {
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.startsWith("--")) {
                    if (i + 1 >= args.size()) {
                        throw new Usage(arg + " needs a value");
                    }
                    options.put(arg, args.get(++i));
                } else {
                    positional.add(arg);
                }
            }
        }

        String positional(int index, String name) {
            if (index >= positional.size()) {
                throw new Usage("missing " + name);
            }
            return positional.get(index);
        }

        java.util.Optional<String> option(String name) {
            return java.util.Optional.ofNullable(options.remove(name));
        }

        void done(int positionals) {
            if (positional.size() > positionals) {
                throw new Usage("unexpected argument '" + positional.get(positionals) + "'");
            }
            if (!options.isEmpty()) {
                throw new Usage("unknown option " + options.keySet().iterator().next());
            }
        }
    }
}
