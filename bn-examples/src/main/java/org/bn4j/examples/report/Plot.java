package org.bn4j.examples.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts written as PNG with XChart; runs headless. */
public final class Plot {
    /** One line: a name and its points. */
    public record Series(String name, double[] x, double[] y) {
        /** @return a run's test accuracy against training steps */
        public static Series accuracy(org.bn4j.examples.train.Curve curve) {
            double[] x = new double[curve.points().size()];
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                x[i] = curve.points().get(i).step();
                y[i] = curve.points().get(i).accuracy();
            }
            return new Series(curve.name(), x, y);
        }
    }

    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Plot() {
    }

    /** Writes a 800x500 PNG to {@code file} (the .png suffix included). */
    public static void lines(Path file, String title, String xLabel, String yLabel, List<Series> series, Double yMin,
                             Double yMax)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
                .build();
        chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideSE);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        if (yMin != null) {
            chart.getStyler().setYAxisMin(yMin);
        }
        if (yMax != null) {
            chart.getStyler().setYAxisMax(yMax);
        }
        for (Series s : series) {
            XYSeries line = chart.addSeries(s.name(), s.x(), s.y());
            line.setMarker(SeriesMarkers.NONE);
        }
        String name = file.toString();
        BitmapEncoder.saveBitmap(chart, name.endsWith(".png") ? name.substring(0, name.length() - 4) : name,
                BitmapEncoder.BitmapFormat.PNG);
    }
}
