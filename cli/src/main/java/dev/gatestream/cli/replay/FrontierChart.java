package dev.gatestream.cli.replay;

import dev.gatestream.app.replay.CostQualityFrontier;
import dev.gatestream.app.replay.ReplayReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.XYItemLabelGenerator;
import org.jfree.chart.plot.CombinedRangeXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The sweep as a picture: per segment, quality against cost per request of every routed run (joined
 * in sweep order, labelled with the swept value) and of every single expert, the efficient ones
 * ringed.
 */
public final class FrontierChart {

  private FrontierChart() {}

  public static void write(ReplayReport report, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    NumberAxis qualityAxis = new NumberAxis("quality");
    qualityAxis.setAutoRangeIncludesZero(false);
    CombinedRangeXYPlot plot = new CombinedRangeXYPlot(qualityAxis);
    List<CostQualityFrontier> frontiers = CostQualityFrontier.of(report.sweep());
    for (CostQualityFrontier frontier : frontiers) {
      plot.add(segmentPlot(frontier), 1);
    }
    String setting = report.sweep().isEmpty() ? "" : report.sweep().get(0).setting();
    JFreeChart chart =
        new JFreeChart(
            "Cost-quality frontier, sweeping " + setting,
            JFreeChart.DEFAULT_TITLE_FONT,
            plot,
            true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, Math.max(900, 600 * frontiers.size()), 700);
  }

  private static XYPlot segmentPlot(CostQualityFrontier frontier) {
    XYSeries routed = new XYSeries("routed (" + frontier.segment() + ")", false, true);
    XYSeries experts = new XYSeries("single experts", false, true);
    XYSeries efficient = new XYSeries("efficient", false, true);
    List<CostQualityFrontier.Point> points = frontier.points();
    for (CostQualityFrontier.Point point : points) {
      (point.routed() ? routed : experts).add(point.cost(), point.quality());
      if (frontier.efficient(point)) {
        efficient.add(point.cost(), point.quality());
      }
    }
    XYSeriesCollection dataset = new XYSeriesCollection();
    dataset.addSeries(routed);
    dataset.addSeries(experts);
    dataset.addSeries(efficient);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesPaint(0, Color.RED);
    renderer.setSeriesStroke(0, new BasicStroke(2f));
    renderer.setSeriesLinesVisible(1, false);
    renderer.setSeriesPaint(1, Color.BLUE);
    renderer.setSeriesLinesVisible(2, false);
    renderer.setSeriesPaint(2, new Color(0, 150, 0));
    renderer.setSeriesShape(2, new Ellipse2D.Double(-7, -7, 14, 14));
    renderer.setSeriesShapesFilled(2, false);
    List<CostQualityFrontier.Point> routedPoints =
        points.stream().filter(CostQualityFrontier.Point::routed).toList();
    List<CostQualityFrontier.Point> expertPoints =
        points.stream().filter(p -> !p.routed()).toList();
    XYItemLabelGenerator labels =
        (dataset1, series, item) ->
            switch (series) {
              case 0 -> routedPoints.get(item).label();
              case 1 -> expertPoints.get(item).label();
              default -> null;
            };
    renderer.setDefaultItemLabelGenerator(labels);
    renderer.setDefaultItemLabelsVisible(true);
    renderer.setSeriesItemLabelsVisible(2, false);
    NumberAxis costAxis = new NumberAxis("cost per request, USD (" + frontier.segment() + ")");
    // Room for the labels of the points at either end.
    costAxis.setLowerMargin(0.12);
    costAxis.setUpperMargin(0.25);
    return new XYPlot(dataset, costAxis, null, renderer);
  }
}
