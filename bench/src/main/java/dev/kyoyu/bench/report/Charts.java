package dev.kyoyu.bench.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
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
}
