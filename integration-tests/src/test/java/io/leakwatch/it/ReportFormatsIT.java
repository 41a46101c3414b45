package io.leakwatch.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.image.BufferedImage;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * report=&lt;dir&gt;/ writes JSON, HTML and JUnit XML of one run; the HTML is rendered by headless Chromium and the
 * numbers in the rendered DOM must be the JSON's. Without Chromium the test is skipped locally but fails when CI=true.
 */
class ReportFormatsIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void allThreeFormatsShowTheSameLeaksAndTheHtmlRenders() throws Exception {
        Path out = Forked.WORK.resolve("reports-" + UUID.randomUUID());
        Forked.Result r = Forked.demo(
                        "jdbc-drivermanager",
                        "jdbc-hikari-held",
                        "jdbc-dbcp2-held",
                        "jdbc-collected",
                        "jdbc-late-release")
                .noReport()
                .agent("threshold=1s,report=" + out + "/")
                .jvmArg("-Ddemo.holdMillis=2500", "-Ddemo.lateMillis=1800")
                .run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        JsonNode json = JSON.readTree(out.resolve("leakwatch-report.json").toFile());
        JsonNode leaks = json.get("leaks");
        assertThat(leaks.size()).as(json.toPrettyString()).isGreaterThanOrEqualTo(3);
        assertThat(json.get("timeline").get("kinds").get(0).asText()).isEqualTo("jdbc.connection");
        assertThat(json.get("timeline").get("points").size())
                .as("sweeps at 250 ms over 5 s")
                .isGreaterThan(5);

        Document xml = DocumentBuilderFactory.newInstance()
                .newDocumentBuilder()
                .parse(out.resolve("leakwatch-report.xml").toFile());
        NodeList failures = xml.getElementsByTagName("failure");
        assertThat(failures.getLength()).isEqualTo(leaks.size());
        assertThat(((Element) xml.getElementsByTagName("testsuite").item(0)).getAttribute("failures"))
                .isEqualTo(String.valueOf(leaks.size()));
        for (int i = 0; i < leaks.size(); i++) {
            assertThat(failures.item(i).getTextContent())
                    .startsWith(leaks.get(i).get("count").asText() + " x jdbc.connection ")
                    .contains("\tat " + leaks.get(i).get("stack").get(0).asText());
        }

        String chromium = chromium();
        Path html = out.resolve("leakwatch-report.html");
        String dom = run(chromium, "--dump-dom", html.toUri().toString());
        JsonNode summary = json.get("summary");
        for (String field :
                List.of("leaks", "acquired", "released", "open", "lateReleases", "dropped", "internalErrors")) {
            assertThat(number(dom, "id=\"summary-" + field + "\">(\\d+)<"))
                    .as(field)
                    .isEqualTo(summary.get(field).asLong());
        }
        List<Long> jsonCounts = new ArrayList<>();
        leaks.forEach(l -> jsonCounts.add(l.get("count").asLong()));
        assertThat(all(section(dom, "<table id=\"leaks\">"), "<tr class=\"group\" data-count=\"(\\d+)\""))
                .isEqualTo(jsonCounts);
        assertThat(all(section(dom, "<table id=\"late-releases\">"), "<tr class=\"group\" data-count=\"(\\d+)\""))
                .hasSize(json.get("lateReleases").size());
        assertThat(all(dom, "<polyline class=\"series\" data-kind=\"([a-z.]+)\""))
                .hasSize(json.get("timeline").get("kinds").size());
        assertThat(dom).contains("<mark>" + leaks.get(0).get("stack").get(0).asText() + "</mark>");

        Path png = out.resolve("report.png");
        run(
                chromium,
                "--window-size=1280,1400",
                "--screenshot=" + png,
                html.toUri().toString());
        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(1280);
        assertThat(pixelsNear(image, 0xcf222e))
                .as("the red leak count and chart line are drawn")
                .isGreaterThan(100);
    }

    /** Pixels within a small distance of the colour: the page was laid out and painted, not a blank tab. */
    private static int pixelsNear(BufferedImage image, int rgb) {
        int n = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                int p = image.getRGB(x, y);
                int d = Math.abs(((p >> 16) & 255) - ((rgb >> 16) & 255))
                        + Math.abs(((p >> 8) & 255) - ((rgb >> 8) & 255))
                        + Math.abs((p & 255) - (rgb & 255));
                if (d < 40) {
                    n++;
                }
            }
        }
        return n;
    }

    static String chromium() {
        for (String name : List.of("chromium", "chromium-browser", "google-chrome")) {
            for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator, -1)) {
                if (Files.isExecutable(Paths.get(dir, name))) {
                    return Paths.get(dir, name).toString();
                }
            }
        }
        String message =
                "chromium is not installed (apt-get install -y chromium chromium-driver): the HTML report cannot be checked";
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError(message + "; CI=true, so this fails instead of skipping");
        }
        Assumptions.abort(message);
        return null;
    }

    private static String run(String chromium, String... args) throws Exception {
        Path profile = Files.createTempDirectory(Forked.WORK, "chromium-");
        List<String> cmd = new ArrayList<>(List.of(
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--user-data-dir=" + profile));
        cmd.addAll(List.of(args));
        Path stdout = profile.resolve("stdout.txt");
        Process p = new ProcessBuilder(cmd)
                .redirectOutput(stdout.toFile())
                .redirectError(profile.resolve("stderr.txt").toFile())
                .start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly().waitFor();
            throw new AssertionError("chromium did not finish in 90 s: " + String.join(" ", cmd));
        }
        assertThat(p.exitValue())
                .as(String.join(" ", cmd) + "\n" + Files.readString(profile.resolve("stderr.txt")))
                .isZero();
        return Files.readString(stdout, StandardCharsets.UTF_8);
    }

    private static long number(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex).isTrue();
        return Long.parseLong(m.group(1));
    }

    private static List<Object> all(String text, String regex) {
        List<Object> found = new ArrayList<>();
        Matcher m = Pattern.compile(regex).matcher(text);
        while (m.find()) {
            found.add(m.group(1).matches("\\d+") ? (Object) Long.parseLong(m.group(1)) : m.group(1));
        }
        return found;
    }

    private static String section(String dom, String start) {
        int from = dom.indexOf(start);
        assertThat(from).as(start).isGreaterThanOrEqualTo(0);
        return dom.substring(from, dom.indexOf("</table>", from));
    }
}
