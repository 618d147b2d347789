package dev.kyoyu.sink.chunks;

import java.time.Duration;
import java.util.List;

/**
 * One {@code ./kyoyu chunks} command line, parsed.
 *
 * @param action   what to do
 * @param olderThan chunks whose whole time range ends more than this before now (null for {@code list})
 * @param yes      {@code --yes}: the destructive step was confirmed on the command line
 */
record ChunkCommand(Action action, Duration olderThan, boolean yes) {
    enum Action { LIST, COMPRESS, DROP }

    static final String USAGE = """
            usage: ./kyoyu chunks list
                   ./kyoyu chunks compress --older-than D
                   ./kyoyu chunks drop --older-than D [--yes]

              list       every chunk of every hypertable: its time range, size, and whether it is compressed
              compress   compress the chunks whose range ended more than D ago (TimescaleDB community edition only)
              drop       delete the chunks whose range ended more than D ago, and every row in them; asks first
                         on a terminal, and without one needs --yes
              D          an age: 30d, 12h, 90m, 45s

            Whole chunks only (agent_events: one day each), never part of one. Reads KYOYU_PG_URL, KYOYU_PG_USER and
            KYOYU_PG_PASSWORD like the services.""";

    static ChunkCommand parse(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("missing command: list, compress or drop");
        }
        Action action = switch (args.getFirst()) {
            case "list" -> Action.LIST;
            case "compress" -> Action.COMPRESS;
            case "drop" -> Action.DROP;
            default -> throw new IllegalArgumentException("unknown command '" + args.getFirst() + "': list, compress or drop");
        };
        Duration olderThan = null;
        boolean yes = false;
        for (int i = 1; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--yes") || arg.equals("-y")) {
                yes = true;
            } else if (arg.equals("--older-than") && i + 1 < args.size()) {
                olderThan = ChunkAge.parse(args.get(++i));
            } else if (arg.startsWith("--older-than=")) {
                olderThan = ChunkAge.parse(arg.substring("--older-than=".length()));
            } else {
                throw new IllegalArgumentException("unexpected argument '" + arg + "'");
            }
        }
        if (action == Action.LIST && (olderThan != null || yes)) {
            throw new IllegalArgumentException("list takes no options");
        }
        if (action != Action.LIST && olderThan == null) {
            throw new IllegalArgumentException(action.name().toLowerCase() + " needs --older-than D (e.g. 30d)");
        }
        return new ChunkCommand(action, olderThan, yes);
    }
}
