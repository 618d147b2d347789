package dev.kyoyu.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;

/** PNG bar charts of a benchmark's results, written next to its markdown. */
public final class Charts {
    private Charts() {
    }

    /** One bar per category; an optional reference line (e.g. "0.9 × raw COPY") drawn across all of them. */
    public static void bars(Path png, String title, String yTitle, List<String> categories, List<Double> values,
                            String referenceName, Double referenceValue) throws IOException {
        System.setProperty("java.awt.headless", "true");
        java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        CategoryChart chart = new CategoryChartBuilder().width(1000).height(560).title(title)
                .xAxisTitle("").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        chart.getStyler().setOverlapped(true);
        chart.getStyler().setXAxisLabelRotation(12);
        chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        chart.addSeries(yTitle, categories, values);
        if (referenceName != null && referenceValue != null) {
            CategorySeries line = chart.addSeries(referenceName, categories,
                    categories.stream().map(c -> referenceValue).toList());
            line.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        }
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * Several bar series side by side per category (e.g. the service and its baseline), plus optional lines drawn
     * across the categories (e.g. a bar that differs per category); every series has one value per category.
     */
    public static void grouped(Path png, String title, String yTitle, List<String> categories, Map<String, List<Double>> bars,
                               Map<String, List<Double>> lines) throws IOException {
        System.setProperty("java.awt.headless", "true");
        java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(600).title(title)
                .xAxisTitle("").yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
        chart.getStyler().setYAxisDecimalPattern("#,##0.#");
        chart.getStyler().setXAxisLabelRotation(12);
        chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 11));
        bars.forEach((name, values) -> chart.addSeries(name, categories, values));
        lines.forEach((name, values) -> chart.addSeries(name, categories, values)
                .setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }

    /** One panel of a timeline: a y-axis title and its named series over the shared x values (seconds). */
    public record Panel(String yTitle, Map<String, List<Double>> series) {
    }

    /** Panels stacked vertically in one PNG, sharing the time axis (e.g. rate, p95 and lag over a run). */
    public static void timeline(Path png, String title, List<Double> seconds, List<Panel> panels) throws IOException {
        System.setProperty("java.awt.headless", "true");
        java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        int width = 1100;
        int height = 300;
        java.awt.image.BufferedImage image = new java.awt.image.BufferedImage(width, height * panels.size(),
                java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = image.createGraphics();
        for (int i = 0; i < panels.size(); i++) {
            Panel panel = panels.get(i);
            org.knowm.xchart.XYChart chart = new org.knowm.xchart.XYChartBuilder().width(width).height(height)
                    .title(i == 0 ? title : "").xAxisTitle("seconds").yAxisTitle(panel.yTitle()).build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
            chart.getStyler().setMarkerSize(0);
            chart.getStyler().setYAxisDecimalPattern("#,##0.#");
            panel.series().forEach((name, values) -> chart.addSeries(name, seconds, values.stream()
                    .map(v -> v == null || v.isNaN() ? null : v).toList()));
            g.drawImage(BitmapEncoder.getBufferedImage(chart), 0, i * height, null);
        }
        g.dispose();
        javax.imageio.ImageIO.write(image, "png", png.toFile());
    }

    /** A histogram: counts per bucket, the buckets labelled (e.g. "100–200 ms"). */
    public static void histogram(Path png, String title, String xTitle, List<String> buckets, Map<String, List<Double>> counts)
            throws IOException {
        System.setProperty("java.awt.headless", "true");
        java.nio.file.Files.createDirectories(png.toAbsolutePath().getParent());
        CategoryChart chart = new CategoryChartBuilder().width(1100).height(500).title(title)
                .xAxisTitle(xTitle).yAxisTitle("samples").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(30);
        chart.getStyler().setYAxisDecimalPattern("#,###");
        counts.forEach((name, values) -> chart.addSeries(name, buckets, values));
        BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
    }
}
