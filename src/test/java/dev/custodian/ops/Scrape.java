package dev.custodian.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;
import org.hawkular.agent.prometheus.types.Summary;

/**
 * A {@code /metrics} body read by a Prometheus text-format parser, as a scraper reads it. The
 * parser skips lines it cannot read, so {@link #parse} also checks that it read every sample
 * line: a line Prometheus could not read fails the test instead of disappearing.
 */
record Scrape(List<MetricFamily> families) {

    static Scrape parse(String body) {
        var families = new ArrayList<MetricFamily>();
        var parser = new TextPrometheusMetricDataParser(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        try {
            for (MetricFamily family = parser.parse(); family != null; family = parser.parse()) {
                families.add(family);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        var scrape = new Scrape(families);
        long sampleLines = body.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).count();
        assertThat(scrape.sampleCount()).as("samples the parser read, of the sample lines in\n%s", body)
                .isEqualTo(sampleLines);
        return scrape;
    }

    Optional<MetricFamily> family(String name) {
        return families.stream().filter(family -> family.getName().equals(name)).findFirst();
    }

    /** The family's metrics whose labels include all of {@code labels}. */
    List<Metric> metrics(String family, Map<String, String> labels) {
        return family(family).map(MetricFamily::getMetrics).orElse(List.of()).stream()
                .filter(metric -> metric.getLabels().entrySet().containsAll(labels.entrySet()))
                .toList();
    }

    /** A counter's or gauge's value with exactly these labels, or 0 when there is no such series yet. */
    double value(String family, Map<String, String> labels) {
        return metrics(family, labels).stream()
                .filter(metric -> metric.getLabels().equals(labels))
                .mapToDouble(metric -> metric instanceof Counter counter ? counter.getValue() : ((Gauge) metric).getValue())
                .findFirst().orElse(0);
    }

    /** The histogram series with exactly these labels, if there is one. */
    Optional<Histogram> histogram(String family, Map<String, String> labels) {
        family(family).ifPresent(found -> assertThat(found.getType()).as(family).isEqualTo(MetricType.HISTOGRAM));
        return metrics(family, labels).stream().filter(metric -> metric.getLabels().equals(labels))
                .map(Histogram.class::cast).findFirst();
    }

    /** Every value the label takes in the family. */
    List<String> labelValues(String family, String label) {
        return metrics(family, Map.of()).stream().map(metric -> metric.getLabels().get(label)).distinct().toList();
    }

    private long sampleCount() {
        return families.stream().flatMap(family -> family.getMetrics().stream()).mapToLong(Scrape::samplesOf).sum();
    }

    private static long samplesOf(Metric metric) {
        if (metric instanceof Histogram histogram) {
            return histogram.getBuckets().size() + 2L;
        }
        if (metric instanceof Summary summary) {
            return summary.getQuantiles().size() + 2L;
        }
        return 1;
    }
}
