package dev.kyoyu.sink.chunks;

import java.io.Console;
import java.util.Locale;
import java.util.Optional;

/** Asks the person at the terminal; empty when there is none (a script, a pipe, CI), so nothing is assumed. */
@FunctionalInterface
interface Confirmation {
    Optional<Boolean> ask(String question);

    /** The process's terminal, through {@link System#console()}, which is null without one. */
    static Confirmation terminal() {
        return question -> {
            Console console = System.console();
            if (console == null) {
                return Optional.empty();
            }
            String answer = console.readLine("%s [y/N] ", question);
            // End of input (Ctrl-D, or a console without a reader) is a no.
            String said = answer == null ? "" : answer.strip().toLowerCase(Locale.ROOT);
            return Optional.of(said.equals("y") || said.equals("yes"));
        };
    }
}
