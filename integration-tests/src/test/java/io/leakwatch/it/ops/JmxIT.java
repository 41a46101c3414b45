package io.leakwatch.it.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.leakwatch.agent.ops.KindMXBean;
import io.leakwatch.agent.ops.LeakWatchMXBean;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The MXBeans and the Prometheus endpoint of a live JVM holding one connection, read as an operator would. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JmxIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static LiveJvm app;
    private static int heldLine;
    private static LeakWatchMXBean agent;

    @BeforeAll
    static void start() throws Exception {
        app = LiveJvm.start(HoldApp.class, "threshold=1s,metrics=0");
        heldLine = app.sendAndGetLine("hold");
        agent = app.mxbean("io.leakwatch:type=LeakWatch", LeakWatchMXBean.class);
        long deadline = System.currentTimeMillis() + 30_000;
        while (agent.getHeldPastThreshold() < 1 && System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
    }

    private static String heldFrame() {
        return "io.leakwatch.it.ops.HoldApp.hold(HoldApp.java:" + heldLine + ")";
    }

    @Test
    @Order(1)
    void attributesCountTheHeldConnection() throws Exception {
        assertThat(agent.getOpenHandles()).containsEntry("jdbc.connection", 1L).containsEntry("jdbc.statement", 0L);
        assertThat(agent.getOpenHandlesTotal()).isEqualTo(1);
        assertThat(agent.getAcquired()).isEqualTo(2); // HoldApp opened and closed one before "ready"
        assertThat(agent.getReleased()).isEqualTo(1);
        assertThat(agent.getHeldPastThreshold()).isEqualTo(1);
        assertThat(agent.getLeaks()).isZero();
        assertThat(agent.getThreshold()).isEqualTo("1s");
        assertThat(agent.getVersion()).isNotBlank();
        // What jmx_exporter reads without configuration: plain numbers on io.leakwatch:type=Kind,name=<kind>.
        Object open =
                app.jmx().getAttribute(new ObjectName("io.leakwatch:type=Kind,name=jdbc.connection"), "OpenHandles");
        assertThat(open).isEqualTo(1L);
    }

    @Test
    @Order(2)
    void dumpShowsTheHeldConnectionWithItsAllocationLine() throws Exception {
        String dump = agent.dump();
        assertThat(dump)
                .contains("1 open handle, oldest first")
                .contains("jdbc.connection")
                .contains("jdbc:h2:mem:ops")
                .contains("\tat " + heldFrame())
                .containsPattern("\\d+\\.\\ds +jdbc\\.connection +main +jdbc:h2:mem:ops");

        JsonNode json = JSON.readTree(agent.dumpJson());
        assertThat(json.get("open").asInt()).isEqualTo(1);
        JsonNode handle = json.get("handles").get(0);
        assertThat(handle.get("kind").asText()).isEqualTo("jdbc.connection");
        assertThat(handle.get("thread").asText()).isEqualTo("main");
        assertThat(handle.get("pastThreshold").asBoolean()).isTrue();
        assertThat(handle.get("ageMillis").asLong()).isGreaterThanOrEqualTo(1000);
        assertThat(handle.get("stack").get(0).asText()).isEqualTo(heldFrame());
    }

    @Test
    @Order(3)
    void metricsEndpointServesTheSameFiguresAsJmx() throws Exception {
        Matcher m = Pattern.compile("Prometheus metrics at (http://\\S+)")
                .matcher(app.awaitStderr(s -> s.contains("Prometheus metrics at")));
        assertThat(m.find()).isTrue();
        assertThat(agent.getMetricsEndpoint()).isEqualTo(m.group(1));
        assertThat(URI.create(m.group(1)).getHost()).isEqualTo("127.0.0.1");
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(m.group(1))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, Double> samples = PromText.parse(response.body());

        for (String kind : new String[] {
            "jdbc.connection", "jdbc.statement", "jdbc.resultset", "urlconnection", "http.response", "http.client"
        }) {
            KindMXBean bean = app.mxbean("io.leakwatch:type=Kind,name=" + kind, KindMXBean.class);
            String label = "{kind=\"" + kind + "\"}";
            assertThat(samples)
                    .containsEntry("leakwatch_open_handles" + label, (double) bean.getOpenHandles())
                    .containsEntry("leakwatch_peak_open_handles" + label, (double) bean.getPeakOpenHandles())
                    .containsEntry("leakwatch_acquired_total" + label, (double) bean.getAcquired())
                    .containsEntry("leakwatch_released_total" + label, (double) bean.getReleased())
                    .containsEntry("leakwatch_leaks_total" + label, (double) bean.getLeaks())
                    .containsEntry("leakwatch_late_releases_total" + label, (double) bean.getLateReleases())
                    .containsEntry("leakwatch_dropped_total" + label, (double) bean.getDropped())
                    .containsEntry("leakwatch_held_past_threshold" + label, (double) bean.getHeldPastThreshold());
        }
        assertThat(samples)
                .containsEntry("leakwatch_open_handles{kind=\"jdbc.connection\"}", 1.0)
                .containsEntry("leakwatch_acquired_total{kind=\"jdbc.connection\"}", 2.0)
                .containsEntry("leakwatch_threshold_seconds{}", 1.0);
        assertThat(response.body())
                .contains("# HELP leakwatch_open_handles ")
                .contains("# TYPE leakwatch_acquired_total counter");
    }

    @Test
    @Order(4)
    void setThresholdValidatesLikeTheOption() throws Exception {
        assertThatThrownBy(() -> agent.setThreshold("soon"))
                .satisfies(
                        t -> assertThat(messages(t))
                                .contains(
                                        "invalid value for option threshold: 'soon'; expected a duration such as 500ms, 30s, 5m or 1h"));
        assertThat(agent.getThresholdMillis()).isEqualTo(1000);
        agent.setThreshold("5m");
        assertThat(agent.getThresholdMillis()).isEqualTo(300_000);
        assertThat(agent.getThreshold()).isEqualTo("5m");
        assertThat(agent.getHeldPastThreshold()).isZero();
        agent.setThreshold("1s");
    }

    @Test
    @Order(5)
    void writeReportWritesTheJsonReportNow() throws Exception {
        Path file = app.dir.resolve("jmx-report.json");
        assertThat(agent.writeReport(file.toString())).isEqualTo(file.toString());
        JsonNode report = JSON.readTree(Files.readString(file));
        assertThat(report.get("summary").get("open").asInt()).isEqualTo(1);
        assertThat(report.get("leaks").get(0).get("reason").asText())
                .isEqualTo("threshold"); // the sweeper already reported it
        assertThat(report.get("leaks").get(0).get("stack").get(0).asText()).isEqualTo(heldFrame());
    }

    @Test
    @Order(6)
    void resetZeroesTheCountersButNotTheOpenHandles() throws Exception {
        agent.reset();
        assertThat(agent.getAcquired()).isZero();
        assertThat(agent.getReleased()).isZero();
        assertThat(agent.getOpenHandlesTotal()).isEqualTo(1);
        assertThat(app.mxbean("io.leakwatch:type=Kind,name=jdbc.connection", KindMXBean.class)
                        .getPeakOpenHandles())
                .isEqualTo(1);
        assertThat(agent.dump()).contains(heldFrame());
    }

    private static String messages(Throwable t) {
        StringBuilder b = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            b.append(c).append('\n');
        }
        return b.toString();
    }
}
