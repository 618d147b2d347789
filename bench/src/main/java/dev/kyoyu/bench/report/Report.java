package dev.kyoyu.bench.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/**
 * The markdown file of one benchmark run, {@code docs/benchmarks/<kind>-<timestamp>.md}, with its PNG
 * chart beside it under the same name.
 */
public final class Report {
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");

    private final Path markdown;
    private final Path png;
    private final StringBuilder text = new StringBuilder();

    public Report(Path dir, String kind) {
        String stamp = LocalDateTime.now().format(FILE_STAMP);
        this.markdown = dir.resolve(kind + "-" + stamp + ".md");
        this.png = dir.resolve(kind + "-" + stamp + ".png");
    }

    public Path markdownFile() {
        return markdown;
    }

    public Path pngFile() {
        return png;
    }

    public static String now() {
        return ZonedDateTime.now(ZoneId.systemDefault()).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss z"));
    }

    public Report heading(String title) {
        text.append(text.isEmpty() ? "# " : "\n## ").append(title).append("\n\n");
        return this;
    }

    public Report paragraph(String paragraph) {
        text.append(paragraph).append("\n\n");
        return this;
    }

    public Report bullets(Iterable<String> items) {
        items.forEach(item -> text.append("- ").append(item).append('\n'));
        text.append('\n');
        return this;
    }

    public Report code(String code) {
        text.append("```\n").append(code).append("\n```\n\n");
        return this;
    }

    public Report table(Table table) {
        text.append(table.markdown()).append('\n');
        return this;
    }

    public Report chart(String alt) {
        text.append("![").append(alt).append("](").append(png.getFileName()).append(")\n\n");
        return this;
    }

    public void write() throws IOException {
        Files.createDirectories(markdown.getParent());
        Files.writeString(markdown, text.toString());
    }
}
