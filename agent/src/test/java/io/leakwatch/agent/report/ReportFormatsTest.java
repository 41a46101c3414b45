package io.leakwatch.agent.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.jdkhttp.JdkHttpInstrumentation;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Registry;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/** The three renderings of one report agree with its JSON, and hostile text stays text. */
class ReportFormatsTest {
    private static final String HOSTILE = "jdbc:h2:mem:<script>alert('x')</script>&\"\u0001";
    private final List<Object> keep = new ArrayList<>();

    private Report report() {
        Registry r = new Registry(Options.parse("threshold=0ms"));
        for (int i = 0; i < 3; i++) {
            acquire(r, JdbcInstrumentation.JDBC_CONNECTION, HOSTILE);
        }
        acquire(r, JdkHttpInstrumentation.HTTP_RESPONSE, "http://example.test:80/a");
        Object closed = acquire(r, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:h2:mem:ok");
        r.release(closed);
        return Report.of(r);
    }

    /** Acquired in an application method that returns: past the threshold, abandoned (a leak). */
    private Object acquire(Registry r, Kind kind, String target) {
        Object resource = new Object();
        keep.add(resource);
        com.example.app.FakeApp.open(r, resource, kind, target, null);
        return resource;
    }

    @Test
    void jsonReadsBackToTheSameNumbers() {
        ReportModel m = ReportModel.parse(report().toJson());
        assertThat(m.leaks).isEqualTo(4);
        assertThat(m.acquired).isEqualTo(5);
        assertThat(m.released).isEqualTo(1);
        assertThat(m.leakGroups).extracting(g -> g.count).containsExactly(3L, 1L);
        assertThat(m.leakGroups.get(0).target).isEqualTo(HOSTILE);
        assertThat(m.timeline).isNotEmpty();
        assertThat(m.timelineKinds).containsExactly("jdbc.connection", "http.response");
        assertThat(m.timeline.get(m.timeline.size() - 1))
                .containsExactly(m.timeline.get(m.timeline.size() - 1)[0], 3L, 1L);
    }

    @Test
    void htmlEscapesEverythingAndShowsTheNumbers() {
        String html = Html.render(ReportModel.parse(report().toJson()));
        assertThat(html)
                .doesNotContain("<script")
                .doesNotContain("alert('x')")
                .doesNotContain("\u0001")
                .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;&amp;&quot;")
                .contains("<span class=\"n\" id=\"summary-leaks\">4</span>")
                .contains("<tr class=\"group\" data-count=\"3\" data-kind=\"jdbc.connection\">")
                .contains("<li class=\"app\"><mark>")
                .contains("<polyline class=\"series\" data-kind=\"jdbc.connection\"")
                .doesNotContain("<link")
                .doesNotContain("src=")
                .doesNotContain("href=")
                .doesNotContain("url(")
                .doesNotContain("@import");
    }

    @Test
    void junitXmlIsWellFormedWithOneFailedTestcasePerLeakGroup() throws Exception {
        ReportModel m = ReportModel.parse(report().toJson());
        Document doc = parseXml(JUnitXml.render(m, 0));
        Element suite = (Element) doc.getElementsByTagName("testsuite").item(0);
        assertThat(suite.getAttribute("tests")).isEqualTo("2");
        assertThat(suite.getAttribute("failures")).isEqualTo("2");
        NodeList failures = doc.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(2);
        Element first = (Element) failures.item(0);
        assertThat(first.getAttribute("message"))
                .startsWith("3 x jdbc.connection open at exit (oldest ")
                .contains("<script>");
        assertThat(first.getTextContent()).contains("\n\tat ");

        Document allowed = parseXml(JUnitXml.render(m, 4));
        assertThat(allowed.getElementsByTagName("failure").getLength()).isZero();
        assertThat(allowed.getElementsByTagName("skipped").getLength()).isEqualTo(2);
    }

    @Test
    void aCleanReportIsOnePassingTestcase() throws Exception {
        Registry r = new Registry(Options.parse("threshold=1h"));
        Document doc = parseXml(JUnitXml.render(ReportModel.parse(Report.of(r).toJson()), 0));
        assertThat(doc.getElementsByTagName("testcase").getLength()).isEqualTo(1);
        assertThat(doc.getElementsByTagName("failure").getLength()).isZero();
        assertThat(Html.render(ReportModel.parse(Report.of(r).toJson()))).contains("No leaks");
    }

    @Test
    void writeChoosesTheFormatByExtensionAndADirectoryGetsAll(@TempDir Path dir) throws Exception {
        Report report = report();
        report.write(dir.resolve("leaks.html"));
        report.write(dir.resolve("leaks.xml"));
        report.write(dir.resolve("leaks.json"));
        assertThat(Files.readString(dir.resolve("leaks.html"))).startsWith("<!DOCTYPE html>");
        assertThat(Files.readString(dir.resolve("leaks.xml"))).startsWith("<?xml");
        assertThat(Files.readString(dir.resolve("leaks.json"))).startsWith("{\n  \"schema\": 1");
        Path all = Files.createDirectory(dir.resolve("all"));
        report.write(all);
        try (var files = Files.list(all)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .containsExactlyInAnyOrder(
                            "leakwatch-report.json", "leakwatch-report.html", "leakwatch-report.xml");
        }
    }

    static Document parseXml(String xml) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        return f.newDocumentBuilder().parse(new ByteArrayInputStream(xml.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void longHoldsAndTargetsReachEveryRendering() throws Exception {
        Registry r = new Registry(Options.parse("threshold=0ms"));
        // acquired on this thread, which is still inside the method that acquired it (JUnit's, the test's own frames
        // being trimmed as the agent's): in use, a long hold
        Object held = new Object();
        keep.add(held);
        r.acquire(held, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:h2:mem:held", null, true);
        Report report = Report.of(r);
        assertThat(report.leaks).isZero();
        assertThat(report.longHolds).isEqualTo(1);
        ReportModel m = ReportModel.parse(report.toJson());
        assertThat(m.longHolds).isEqualTo(1);
        assertThat(m.leakGroups).isEmpty();
        ReportModel.GroupModel hold = m.longHoldGroups.get(0);
        assertThat(hold.holder.state).isEqualTo("in-use");
        assertThat(hold.holder.text())
                .startsWith("in use: thread " + Thread.currentThread().getName() + " RUNNABLE in ");
        assertThat(hold.targets).containsExactly("jdbc:h2:mem:held");
        assertThat(Html.render(m))
                .contains("<table id=\"long-holds\">")
                .contains("id=\"summary-longHolds\">1<")
                .contains("<div class=\"holder in-use\">in use: thread ");
        assertThat(JUnitXml.render(m, 0)).contains("tests=\"1\" failures=\"0\"").contains("long holds 1");
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        Path json = Files.createTempFile("leakwatch-holds", ".json");
        Files.writeString(json, report.toJson());
        int status = io.leakwatch.agent.cli.Check.check(
                new String[] {json.toString()}, new java.io.PrintStream(out, true, StandardCharsets.UTF_8), System.err);
        assertThat(status).isZero();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("0 leaks in 0 groups")
                .contains("1 long hold (past the threshold")
                .contains("1 x jdbc.connection in use past 0 ms");
        Files.delete(json);
    }

    @Test
    void aGroupWithManyTargetsNamesAFewAndCountsThem() {
        String json =
                "{\"schema\": 1, \"thresholdMillis\": 1000, \"summary\": {\"acquired\": 12, \"released\": 0, \"open\": 12, \"leaks\": 12},"
                        + " \"leaks\": [{\"kind\": \"http.response\", \"reason\": \"threshold\", \"count\": 12, \"thread\": \"main\","
                        + " \"target\": \"http://h:80/pet/1\", \"targets\": [\"http://h:80/pet/1\", \"http://h:80/pet/2\", null], \"targetCount\": 12,"
                        + " \"holder\": {\"state\": \"abandoned\", \"thread\": \"main\", \"threadState\": \"TERMINATED\", \"at\": []}, \"stack\": []}]}";
        ReportModel m = ReportModel.parse(json);
        ReportModel.GroupModel g = m.leakGroups.get(0);
        assertThat(g.targetText()).isEqualTo("http://h:80/pet/1, http://h:80/pet/2, unknown and 9 more (12 targets)");
        assertThat(JUnitXml.headline(g, 1000))
                .isEqualTo(
                        "12 x http.response held past 1.0 s (oldest 0 ms), target "
                                + "http://h:80/pet/1, http://h:80/pet/2, unknown and 9 more (12 targets), thread main; abandoned: thread main has ended");
        assertThat(Html.render(m)).contains("http://h:80/pet/1, http://h:80/pet/2, unknown and 9 more (12 targets)");
        // a report written before targets existed still reads
        ReportModel old = ReportModel.parse(json.replaceAll(", \"targets\": \\[[^]]*\\], \"targetCount\": 12", ""));
        assertThat(old.leakGroups.get(0).targetText()).isEqualTo("http://h:80/pet/1");
        assertThat(old.longHoldGroups).isEmpty();
    }
}
