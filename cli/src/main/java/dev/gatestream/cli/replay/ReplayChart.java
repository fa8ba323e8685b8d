package dev.gatestream.cli.replay;

import dev.gatestream.app.replay.ReplayReport;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.StackedXYAreaRenderer2;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.DefaultTableXYDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The replay as a picture: the routed quality per bucket against the single best expert, uniform
 * random routing and the oracle (top), the routed cost per request per bucket against the spend
 * target if any (middle), and how the traffic was shared among the experts (bottom), over all
 * segments in sequence.
 */
public final class ReplayChart {

  private static final int MIN_BUCKET = 10;
  private static final BasicStroke DASHED =
      new BasicStroke(
          1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10, new float[] {6, 4}, 0);

  private ReplayChart() {}

  public static void write(ReplayReport report, Path png) throws IOException {
    System.setProperty("java.awt.headless", "true");
    XYSeries routed = new XYSeries("gatestream (routed)");
    XYSeries bestSingle = new XYSeries("best single expert");
    XYSeries uniform = new XYSeries("uniform random");
    XYSeries oracle = new XYSeries("oracle");
    XYSeries recorded = new XYSeries("recorded deployment");
    XYSeries routedCost = new XYSeries("gatestream cost per request");
    XYSeries target = new XYSeries("spend target");
    DefaultTableXYDataset shares = new DefaultTableXYDataset();
    TreeSet<String> experts = new TreeSet<>();
    report.segments().forEach(segment -> experts.addAll(segment.share().keySet()));
    List<XYSeries> shareSeries = new ArrayList<>();
    experts.forEach(expert -> shareSeries.add(new XYSeries(expert, true, false)));

    int offset = 0;
    for (ReplayReport.Segment segment : report.segments()) {
      for (ReplayReport.Bucket bucket : segment.buckets()) {
        if (bucket.requests() < MIN_BUCKET || Double.isNaN(bucket.quality())) {
          continue; // a segment's last few requests, too few for a point worth drawing, or none
          // rated
        }
        double x = offset + bucket.fromRequest() + bucket.requests();
        routed.add(x, bucket.quality());
        routedCost.add(x, bucket.cost());
        int i = 0;
        for (String expert : experts) {
          shareSeries.get(i++).add(x, bucket.share().getOrDefault(expert, 0.0));
        }
      }
      // Baselines hold per segment: a flat step over the segment's span.
      ReplayReport.Baselines baselines = segment.baselines();
      step(bestSingle, offset, offset + segment.requests(), baselines.bestSingleExpert());
      step(uniform, offset, offset + segment.requests(), baselines.uniformRandom());
      step(oracle, offset, offset + segment.requests(), baselines.oracle());
      step(recorded, offset, offset + segment.requests(), baselines.recorded());
      if (segment.spendTarget() > 0) {
        target.add(offset, segment.spendTarget());
        target.add(offset + segment.requests(), segment.spendTarget());
      }
      offset += segment.requests();
    }
    XYSeriesCollection qualities = new XYSeriesCollection();
    XYLineAndShapeRenderer lines = new XYLineAndShapeRenderer(true, false);
    lines.setSeriesShapesVisible(0, true);
    lines.setSeriesPaint(0, Color.RED);
    lines.setSeriesStroke(0, new BasicStroke(2f));
    qualities.addSeries(routed);
    // Baselines the source cannot tell (no single experts for recorded traffic, no recording for
    // logs) stay out.
    Map<XYSeries, Color> baselines = new LinkedHashMap<>();
    baselines.put(bestSingle, new Color(0, 130, 0));
    baselines.put(uniform, Color.GRAY);
    baselines.put(oracle, Color.BLUE);
    baselines.put(recorded, Color.ORANGE);
    baselines.forEach(
        (series, color) -> {
          if (series.getItemCount() > 0) {
            int index = qualities.getSeriesCount();
            qualities.addSeries(series);
            lines.setSeriesPaint(index, color);
            lines.setSeriesStroke(index, DASHED);
          }
        });
    NumberAxis qualityAxis = new NumberAxis("quality");
    qualityAxis.setAutoRangeIncludesZero(false);
    XYPlot quality = new XYPlot(qualities, null, qualityAxis, lines);
    XYSeriesCollection costs = new XYSeriesCollection(routedCost);
    XYLineAndShapeRenderer costLines = new XYLineAndShapeRenderer(true, true);
    costLines.setSeriesPaint(0, Color.RED);
    if (target.getItemCount() > 0) {
      costs.addSeries(target);
      costLines.setSeriesPaint(1, Color.BLACK);
      costLines.setSeriesStroke(1, DASHED);
      costLines.setSeriesShapesVisible(1, false);
    }
    XYPlot cost = new XYPlot(costs, null, new NumberAxis("cost per request, USD"), costLines);
    shareSeries.forEach(shares::addSeries);
    NumberAxis shareAxis = new NumberAxis("share of traffic");
    shareAxis.setRange(0, 1);
    XYPlot share = new XYPlot(shares, null, shareAxis, new StackedXYAreaRenderer2());

    CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("requests replayed"));
    plot.add(quality, 3);
    plot.add(cost, 2);
    plot.add(share, 2);
    JFreeChart chart =
        new JFreeChart(
            "Replay: routed quality, cost and expert share per bucket",
            JFreeChart.DEFAULT_TITLE_FONT,
            plot,
            true);
    chart.setBackgroundPaint(Color.WHITE);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1200, 900);
  }

  private static void step(
      XYSeries series, double from, double to, ReplayReport.Baseline baseline) {
    if (baseline != null) {
      series.add(from, baseline.quality());
      series.add(to, baseline.quality());
    }
  }
}
