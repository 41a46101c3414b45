package io.leakwatch.it.redis;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.leakwatch.it.Forked;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Jedis 7 and 5, Lettuce 7 and 6 against the real Redis on 127.0.0.1:6379 (the previous majors in their own class
 * loaders, from the jars the build copies to target/jedis5 and target/lettuce6).
 */
class RedisIT {
    private static Forked.Result run(Class<?> app, String dir, String probe, String expectedJar) throws Exception {
        Forked forked = dir == null
                ? Forked.main(app)
                : Forked.main(Isolated.class)
                        .args(Paths.get("target", dir).toAbsolutePath().toString(), app.getName(), probe);
        Forked.Result r = forked.agent("threshold=1s").run();
        assertThat(r.exitCode).as(r.toString()).isZero();
        if (dir != null) {
            assertThat(r.stdout).as(r.toString()).contains("library from " + expectedJar);
        }
        return r;
    }

    @ParameterizedTest(name = "jedis {0}")
    @ValueSource(strings = {"7", "5"})
    void jedisLeaksAreReportedAtTheCallerAndTheCleanTwinsStaySilent(String version) throws Exception {
        Forked.Result r =
                run(JedisApp.class, version.equals("7") ? null : "jedis5", "redis.clients.jedis.Jedis", "jedis-5.");

        // The two borrowed connections never closed starve the pool of two: the next borrow fails.
        assertThat(r.stdout).as(r.toString()).containsPattern("pool exhausted: .*(Could not get a resource|exhausted)");
        JsonNode borrowed = leakAt(r, frame(JedisApp.class, "borrowAndForget", "borrowed"));
        assertThat(borrowed.get("count").asLong()).as(r.toString()).isEqualTo(2);
        assertThat(borrowed.get("target").asText()).isEqualTo("redis://127.0.0.1:6379");
        assertThat(r.stderr)
                .as(r.toString())
                .contains("POOL EXHAUSTED redis://127.0.0.1:6379")
                .contains(frame(JedisApp.class, "borrowAndForget", "borrowed"));

        // new Jedis(...) never closed: three more connections in CLIENT LIST, reported at the constructor call.
        assertThat(counts(r.stdout, "direct: clients before=(\\d+) after=(\\d+)"))
                .as(r.toString())
                .containsExactly(0, 3);
        JsonNode direct = leakAt(r, frame(JedisApp.class, "directNeverClosed", "direct"));
        assertThat(direct.get("count").asLong()).as(r.toString()).isEqualTo(3);

        assertThat(r.stdout).as("the listener thread is subscribed\n%s", r).contains("subscriber receivers=1");
        // Nothing else: not the clean twins, not the idle connections of JedisPool or of the application's own
        // commons-pool2 pool, not JedisPooled, not the Jedis a listener thread keeps subscribed until exit.
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
        assertThat(r.summary("released"))
                .as(
                        "try-with-resources twice, returnResource once, the closed direct Jedis and"
                                + " the CLIENT LIST admins\n%s",
                        r)
                .isGreaterThanOrEqualTo(5);
    }

    @ParameterizedTest(name = "lettuce {0}")
    @ValueSource(strings = {"7", "6"})
    void lettuceLeaksAreReportedAtTheCallerAndTheCleanTwinsStaySilent(String version) throws Exception {
        Forked.Result r = run(
                LettuceApp.class,
                version.equals("7") ? null : "lettuce6",
                "io.lettuce.core.RedisClient",
                "lettuce-core-6.");

        // Three connections opened at one line and never closed: CLIENT LIST grows by three; the first is taken for
        // the line's shared connection, the two beyond it are leaks.
        assertThat(counts(r.stdout, "connections: clients before=(\\d+) after=(\\d+)"))
                .as(r.toString())
                .containsExactly(0, 3);
        JsonNode leaked = leakAt(r, frame(LettuceApp.class, "connectAndForget", "connect"));
        assertThat(leaked.get("kind").asText()).isEqualTo("redis.connection");
        assertThat(leaked.get("count").asLong()).as(r.toString()).isEqualTo(2);
        assertThat(leaked.get("target").asText()).isEqualTo("redis://127.0.0.1:6379");

        // A client per call, never shut down: each keeps its event loop threads; dropped, it is a leak; and churn.
        List<Integer> threads = counts(r.stdout, "client per call: lettuce threads before=(\\d+) after=(\\d+)");
        assertThat(threads.get(1) - threads.get(0)).as(r.toString()).isGreaterThanOrEqualTo(12);
        String clientLine = frame(LettuceApp.class, "clientPerCall", "client");
        assertThat(r.stderr)
                .as(r.toString())
                .contains("CLIENT CHURN Lettuce RedisClient created 10 times at " + clientLine);
        JsonNode collected = leakAt(r, clientLine);
        assertThat(collected.get("kind").asText()).isEqualTo("redis.client");
        assertThat(collected.get("reason").asText()).isEqualTo("collected");

        // Nothing else: not the lifetime client and its shared connection, not the three idle connections of a
        // ConnectionPoolSupport pool opened at one line, not the closed, async or shut-down twins.
        assertThat(r.leaks()).as(r.toString()).hasSize(2);
    }

    private static JsonNode leakAt(Forked.Result r, String frame) {
        List<JsonNode> at = r.leaks().stream()
                .filter(l -> Forked.Result.topFrame(l).equals(frame))
                .toList();
        assertThat(at).as("leak at %s\n%s", frame, r).hasSize(1);
        return at.get(0);
    }

    private static List<Integer> counts(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as("%s in\n%s", regex, text).isTrue();
        return List.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** {@code Class.method(Class.java:N)}, N being the line of the app's source marked {@code // LEAK <marker>}. */
    static String frame(Class<?> app, String method, String marker) throws IOException {
        Path source = Paths.get("src/test/java", app.getName().replace('.', '/') + ".java");
        List<String> lines = Files.readAllLines(source);
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).endsWith("// LEAK " + marker)) {
                return app.getName() + "." + method + "(" + app.getSimpleName() + ".java:" + (i + 1) + ")";
            }
        }
        throw new AssertionError("no line marked // LEAK " + marker + " in " + source);
    }
}
