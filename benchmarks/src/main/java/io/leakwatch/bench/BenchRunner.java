package io.leakwatch.bench;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.jdbc.JdbcInstrumentation;
import io.leakwatch.agent.model.Registry;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.DriverManager;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs every benchmark in forked JVMs without the agent, with it at default settings, with stacks=sample:64 and
 * stacks=off (and, for JDBC, with HikariCP's own leak detection), then prints each result as a ratio to the
 * baseline of the same run, with start-up and memory figures. {@code --quick} shortens the iterations;
 * {@code --only=jdbc,postgres,http,registry,startup,suite,memory} runs a subset; {@code --base=other/leakwatch-agent.jar}
 * also measures another build (such as main's) in the same runs, for a before/after comparison.
 */
public final class BenchRunner {
    private static final String[][] AGENT_CONFIGS = {
        {"no agent", null},
        {"agent (stacks=all)", ""},
        {"agent stacks=sample:64", "stacks=sample:64"},
        {"agent stacks=off", "stacks=off"},
    };

    private final String agentJar;
    private final boolean quick;
    private final StringBuilder out = new StringBuilder();

    private BenchRunner(String agentJar, boolean quick) {
        this.agentJar = agentJar;
        this.quick = quick;
    }

    public static void main(String[] args) throws Exception {
        List<String> a = Arrays.asList(args);
        String agentJar = Paths.get(System.getProperty("bench.agentJar", "agent/target/leakwatch-agent.jar"))
                .toAbsolutePath()
                .toString();
        if (!new File(agentJar).isFile()) {
            System.err.println("bench: agent jar not found at " + agentJar + " (build it, or set -Dbench.agentJar)");
            System.exit(2);
        }
        a.stream()
                .filter(s -> s.startsWith("--base="))
                .findFirst()
                .ifPresent(s -> System.setProperty("bench.baseAgentJar", s.substring(7)));
        String base = baseJar();
        if (base != null && !new File(base).isFile()) {
            System.err.println("bench: --base=" + base + " is no file (give another build's leakwatch-agent.jar)");
            System.exit(2);
        }
        BenchRunner runner = new BenchRunner(agentJar, a.contains("--quick"));
        runner.header();
        String only = a.stream()
                .filter(s -> s.startsWith("--only="))
                .map(s -> s.substring(7))
                .findFirst()
                .orElse("jdbc,postgres,http,registry,startup,suite,memory");
        if (only.contains("jdbc")) {
            runner.jdbc("h2");
        }
        if (only.contains("postgres")) {
            if (postgresReachable()) {
                runner.jdbc("postgres");
            } else {
                runner.line("\n(PostgreSQL at 127.0.0.1:5432 not reachable: the SELECT 1 round trip was not measured)");
            }
        }
        if (only.contains("http")) {
            runner.http();
        }
        if (only.contains("registry")) {
            runner.registry();
        }
        if (only.contains("startup")) {
            runner.startup();
        }
        if (only.contains("suite")) {
            runner.suite();
        }
        if (only.contains("memory")) {
            runner.memory();
        }
        Path results = Paths.get(System.getProperty("bench.out", "benchmarks/target/results.md"));
        Files.createDirectories(results.toAbsolutePath().getParent());
        Files.writeString(results, runner.out.toString());
        System.out.println("\nresults written to " + results);
    }

    private void header() {
        line("# leakwatch overhead, " + LocalDate.now(java.time.ZoneId.systemDefault()) + "\n");
        line("machine: " + Runtime.getRuntime().availableProcessors() + " cores, JDK "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + "), "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        line("JMH: AverageTime, 1 fork, "
                + (quick ? "2x1s warm-up, 3x1s measurement" : "3x1s warm-up, 5x2s measurement")
                + "; ratio = configuration / no agent, from the same run.");
    }

    private void line(String s) {
        System.out.println(s);
        out.append(s).append('\n');
    }

    /**
     * One JMH run; {@code agent} is the agent's options, or null for none. JMH's jvmArgsAppend replaces rather than
     * adds, so every forked JVM's arguments are given here at once: the same heap and server settings for all.
     */
    private ChainedOptionsBuilder jmh(String include, String agent) {
        List<String> jvmArgs = new ArrayList<>(List.of(
                "-Xms512m",
                "-Xmx512m",
                // the JDK's HTTP server without Nagle's algorithm, or every small GET waits for a delayed ACK (40 ms)
                "-Dsun.net.httpserver.nodelay=true"));
        if (agent != null) {
            jvmArgs.add(agentArg(agent));
        }
        forkAgentJar = agent != null && agent.startsWith(BASE) ? baseJar() : agentJar;
        return new OptionsBuilder()
                .include(include)
                .forks(1)
                .addProfiler(CpuProfiler.class)
                .shouldFailOnError(true)
                .warmupIterations(quick ? 2 : 3)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 3 : 5)
                .measurementTime(TimeValue.seconds(quick ? 1 : 2))
                .jvmArgsAppend(jvmArgs.toArray(new String[0]));
    }

    /**
     * The class path of a measured program (start-up probes, suites): this JVM's without the agent jar, so a program
     * started with another build's {@code -javaagent} runs that build alone (see {@link #run}).
     */
    private static String programClassPath() {
        StringBuilder path = new StringBuilder();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!new File(entry).getName().equals("leakwatch-agent.jar")) {
                path.append(path.length() == 0 ? "" : File.pathSeparator).append(entry);
            }
        }
        return path.toString();
    }

    /** The agent jar the next {@link #run}'s forked JVM has on its class path: the one it runs with. */
    private String forkAgentJar;

    /**
     * JMH gives a forked JVM this JVM's class path, which holds the agent jar under test: a JVM started with another
     * build's {@code -javaagent} would load the agent's classes from both, and run a mix (its premain class and the
     * advice come from the class path). So the fork gets the class path with the agent jar it runs.
     */
    private double[] run(ChainedOptionsBuilder options) throws Exception {
        String hostClassPath = System.getProperty("java.class.path");
        Collection<RunResult> results;
        System.setProperty("java.class.path", programClassPath() + File.pathSeparator + forkAgentJar);
        try {
            results = new Runner(options.build()).run();
        } finally {
            System.setProperty("java.class.path", hostClassPath);
        }
        RunResult r = results.iterator().next();
        org.openjdk.jmh.results.Result<?> cpu = r.getSecondaryResults().get("cpu");
        org.openjdk.jmh.results.Result<?> worker = r.getSecondaryResults().get("cpu.worker");
        return new double[] {
            r.getPrimaryResult().getScore(),
            r.getPrimaryResult().getScoreError(),
            cpu == null ? Double.NaN : cpu.getScore(),
            cpu == null ? Double.NaN : cpu.getScoreError(),
            worker == null ? Double.NaN : worker.getScore(),
            worker == null ? Double.NaN : worker.getScoreError()
        };
    }

    private String agentArg(String options) {
        String jar = agentJar;
        if (options.startsWith(BASE)) {
            jar = baseJar();
            options = options.substring(BASE.length());
        }
        return "-javaagent:" + jar + (options.isEmpty() ? "" : "=" + options);
    }

    private static final String BASE = "@base:";

    /**
     * The agent configurations; with {@code -Dbench.baseAgentJar=...} (another build, such as main's), also that jar at
     * default settings and at stacks=off, interleaved in the same run for a before/after comparison.
     */
    private static List<String[]> configs() {
        List<String[]> configs = new ArrayList<>(Arrays.asList(AGENT_CONFIGS));
        if (System.getProperty("bench.baseAgentJar") != null) {
            configs.add(new String[] {"base jar (stacks=all)", BASE});
            configs.add(new String[] {"base jar stacks=off", BASE + "stacks=off"});
        }
        return configs;
    }

    private void table(String title, String unit, Map<String, double[]> scores) {
        line("\n### " + title + "\n");
        line("| configuration | " + unit + "/op | ± | ratio | added " + unit + "/op | process CPU " + unit
                + "/op | ± | added | benchmark thread CPU " + unit + "/op | ± | added |");
        line("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        double[] first = scores.values().iterator().next();
        double base = first[0];
        double baseCpu = first[2];
        double baseWorker = first[4];
        scores.forEach((name, s) -> line(String.format(
                "| %s | %.1f | %.1f | %.3f | %+.1f | %.1f | %.1f | %+.1f | %.1f | %.1f | %+.1f |",
                name,
                s[0],
                s[1],
                s[0] / base,
                s[0] - base,
                s[2],
                s[3],
                s[2] - baseCpu,
                s[4],
                s[5],
                s[4] - baseWorker)));
    }

    private void jdbc(String database) throws Exception {
        for (String bench : List.of("getConnectionClose", "prepareExecuteClose")) {
            if (database.equals("postgres") && bench.equals("getConnectionClose")) {
                continue;
            }
            Map<String, double[]> scores = new LinkedHashMap<>();
            String include = JdbcBenchmarks.class.getName() + "." + bench + "$";
            for (String[] config : configs()) {
                scores.put(
                        config[0],
                        run(jmh(include, config[1]).param("database", database).param("hikariLeakDetection", "false")));
            }
            scores.put(
                    "HikariCP leakDetectionThreshold=60000, no agent",
                    run(jmh(include, null).param("database", database).param("hikariLeakDetection", "true")));
            table(
                    "HikariCP + " + (database.equals("h2") ? "H2 (in-process)" : "PostgreSQL (loopback)") + ": "
                            + bench,
                    "ns",
                    scores);
        }
    }

    private void http() throws Exception {
        for (String bench : List.of("urlConnectionGet", "apacheGet")) {
            Map<String, double[]> scores = new LinkedHashMap<>();
            for (String[] config : configs()) {
                scores.put(config[0], run(jmh(HttpBenchmarks.class.getName() + "." + bench + "$", config[1])));
            }
            table("HTTP GET of a small body on loopback: " + bench, "us", scores);
        }
    }

    private void registry() throws Exception {
        for (int threads : new int[] {1, 2}) {
            Map<String, double[]> scores = new LinkedHashMap<>();
            for (String stacks : List.of("off", "sample:64", "all")) {
                scores.put(
                        "stacks=" + stacks,
                        run(jmh(RegistryBenchmarks.class.getName() + ".acquireRelease$", null)
                                .param("stacks", stacks)
                                .threads(threads)));
            }
            line("\n### Registry alone: acquire + release, " + threads + " thread" + (threads > 1 ? "s" : "") + "\n");
            line("| stacks | ns/op | ± |");
            line("|---|---:|---:|");
            scores.forEach((name, s) -> line(String.format("| %s | %.1f | %.1f |", name, s[0], s[1])));
        }
    }

    /** Milliseconds from process start to the first line of main, median of several runs. */
    private void startup() throws Exception {
        int runs = quick ? 5 : 11;
        line("\n### Start-up: process start to the first line of main, median of " + runs + " runs\n");
        String compare = baseJar();
        line("| JDK | program | no agent ms | agent ms | added ms |"
                + (compare == null ? "" : " base jar ms | added ms |"));
        line("|---|---|---:|---:|---:|" + (compare == null ? "" : "---:|---:|"));
        List<String> javas = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        String other = System.getProperty("bench.otherJava");
        if (other != null) {
            javas.add(other);
        }
        for (String java : javas) {
            for (String program : List.of("hello", "libs")) {
                double without = startupMedian(java, program, null, runs);
                double with = startupMedian(java, program, agentArg(""), runs);
                double base = compare == null ? 0 : startupMedian(java, program, "-javaagent:" + compare, runs);
                line(String.format(
                                "| %s | %s | %.0f | %.0f | %+.0f |",
                                feature(java),
                                program.equals("hello")
                                        ? "hello world"
                                        : "hello + HikariCP/H2 connection, OkHttp and Apache clients",
                                without,
                                with,
                                with - without)
                        + (compare == null ? "" : String.format(" %.0f | %+.0f |", base, base - without)));
            }
        }
    }

    /** The JDK's feature release, as {@code java -version} prints it (e.g. 17.0.15). */
    private static String feature(String java) throws Exception {
        Process p =
                new ProcessBuilder(java, "-version").redirectErrorStream(true).start();
        String first;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            first = r.readLine();
        }
        p.waitFor();
        Matcher m = Pattern.compile("\"([^\"]+)\"").matcher(first == null ? "" : first);
        return m.find() ? m.group(1) : java;
    }

    private double startupMedian(String java, String program, String agent, int runs) throws Exception {
        double[] times = new double[runs];
        for (int i = 0; i < runs; i++) {
            List<String> cmd = new ArrayList<>(List.of(java));
            if (agent != null) {
                cmd.add(agent);
            }
            cmd.addAll(List.of(
                    "-cp", programClassPath(), (program.equals("hello") ? Hello.class : HelloLibs.class).getName()));
            long start = System.nanoTime();
            Process p = new ProcessBuilder(cmd)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (BufferedReader r =
                    new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String first = r.readLine();
                times[i] = (System.nanoTime() - start) / 1e6;
                if (!"hello".equals(first)) {
                    throw new IllegalStateException("start-up probe printed " + first);
                }
            }
            p.waitFor();
        }
        Arrays.sort(times);
        return times[runs / 2];
    }

    /**
     * The JDBC-heavy test suite, two patterns: the class-loading worst case ({@link Suite}: thousands of classes naming
     * or implementing the JDBC types, Mockito-like mocks and JDK proxies of them, each loaded and called once) and a
     * suite's shape ({@link TestSuite}: thousands of test and DAO classes, each test doing its JDBC work against H2 and
     * against mocks). Medians, with the range.
     */
    private void suite() throws Exception {
        int units = Integer.getInteger("bench.suite.units", quick ? 1000 : 2000);
        int runs = quick ? 3 : 7;
        Path classes = Paths.get("benchmarks/target/suite-classes-" + units).toAbsolutePath();
        if (!Files.isDirectory(classes.resolve(Suite.PACKAGE.replace('.', '/')))) {
            Suite.generate(classes, units);
        }
        suiteTable(
                "Test-suite pattern, class-loading worst case: " + units + " DAO classes naming java.sql, " + units
                        + " JDBC implementations (a quarter via an abstract base), " + units / 4
                        + " Mockito-like mocks and " + units / 8
                        + " JDK proxies of the JDBC interfaces, each loaded and called once, no test work",
                Suite.class,
                classes,
                units,
                runs);
        Path tests = Paths.get("benchmarks/target/test-suite-classes-" + units).toAbsolutePath();
        if (!Files.isDirectory(tests.resolve(TestSuite.PACKAGE.replace('.', '/')))) {
            TestSuite.generate(tests, units);
        }
        suiteTable(
                "Test-suite pattern, a suite's shape: " + units + " test classes and " + units
                        + " DAOs (JDBC-touching classes), each test run 60 frames deep: a HikariCP connection to H2, "
                        + "create, 3 inserts and a query through its DAO, and the DAO against Mockito-like mocks "
                        + "(one mock class per mocked JDBC type, as Mockito caches them)",
                TestSuite.class,
                tests,
                units,
                runs);
    }

    /**
     * One suite pattern: whole processes, interleaved with and without the agent: wall time from start to exit, and
     * the CPU time (user + sys, every thread: JIT and GC included) the process had used when its main returned.
     */
    private void suiteTable(String title, Class<?> main, Path classes, int units, int runs) throws Exception {
        List<String[]> configs = new ArrayList<>();
        configs.add(new String[] {"no agent", null});
        configs.add(new String[] {"agent", agentArg("")});
        if (baseJar() != null) {
            configs.add(new String[] {"base jar", "-javaagent:" + baseJar()});
        }
        Map<String, double[][]> samples = new LinkedHashMap<>();
        for (String[] config : configs) {
            samples.put(config[0], new double[2][runs]);
        }
        for (int i = 0; i < runs; i++) {
            for (String[] config : configs) {
                double[] r = suiteRun(main, config[1], classes, units);
                samples.get(config[0])[0][i] = r[0];
                samples.get(config[0])[1][i] = r[1];
            }
        }
        line("\n### " + title + "; whole process, median of " + runs + " interleaved runs [min-max]\n");
        line("| configuration | wall s | ratio | CPU s (user+sys) | ratio |");
        line("|---|---:|---:|---:|---:|");
        double[][] base = samples.get("no agent");
        double baseWall = median(base[0]);
        double baseCpu = median(base[1]);
        samples.forEach((name, s) -> line(String.format(
                "| %s | %.2f [%.2f-%.2f] | %.2f | %.2f [%.2f-%.2f] | %.2f |",
                name,
                median(s[0]),
                min(s[0]),
                max(s[0]),
                median(s[0]) / baseWall,
                median(s[1]),
                min(s[1]),
                max(s[1]),
                median(s[1]) / baseCpu)));
    }

    /**
     * {@code --base=other-agent.jar}: another build (such as main's) measured in the same runs, at
     * default settings, for a before/after comparison; the JMH tables add it at stacks=off too.
     */
    private static String baseJar() {
        String jar = System.getProperty("bench.baseAgentJar");
        return jar == null ? null : Paths.get(jar).toAbsolutePath().toString();
    }

    /** One suite process: {wall seconds, CPU seconds}. */
    private static double[] suiteRun(Class<?> main, String agent, Path classes, int units) throws Exception {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        if (agent != null) {
            cmd.add(agent);
        }
        cmd.addAll(List.of(
                "-cp",
                programClassPath() + File.pathSeparator + classes,
                main.getName(),
                "run",
                String.valueOf(units)));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        String last = null;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String l = r.readLine(); l != null; l = r.readLine()) {
                last = l;
            }
        }
        int status = p.waitFor();
        double wall = (System.nanoTime() - start) / 1e9;
        if (status != 0 || last == null || !last.startsWith("done ")) {
            throw new IllegalStateException("suite run failed (status " + status + "): " + last);
        }
        String[] parts = last.split(" ");
        return new double[] {wall, Long.parseLong(parts[2]) / 1e9};
    }

    private static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static double min(double[] values) {
        return Arrays.stream(values).min().orElse(Double.NaN);
    }

    private static double max(double[] values) {
        return Arrays.stream(values).max().orElse(Double.NaN);
    }

    /** Retained heap per open handle, measured on the registry with 100 000 open handles. */
    private void memory() {
        line("\n### Memory: retained heap per open handle, 100 000 open handles\n");
        line("| stacks | bytes/handle |");
        line("|---|---:|");
        line("(stacks=all: as captured, and after the sweeper interned the stacks of handles older than 1 s)");
        for (String stacks : List.of("off", "all")) {
            int n = 100_000;
            Object[] resources = new Object[n];
            for (int i = 0; i < n; i++) {
                resources[i] = new Object();
            }
            Registry registry = new Registry(Options.parse("stacks=" + stacks));
            long before = usedHeap();
            for (Object resource : resources) {
                registry.acquire(resource, JdbcInstrumentation.JDBC_CONNECTION, "jdbc:h2:mem:bench", null, false);
            }
            long after = usedHeap();
            line(String.format("| %s | %d |", stacks, (after - before) / n));
            if (stacks.equals("all")) {
                registry.openHandles().forEach(h -> h.stack());
                line(String.format("| all, interned | %d |", (usedHeap() - before) / n));
            }
            if (registry.stats(JdbcInstrumentation.JDBC_CONNECTION).open() != n || resources.length != n) {
                throw new IllegalStateException("not all handles were tracked");
            }
        }
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            used = Math.min(used, rt.totalMemory() - rt.freeMemory());
        }
        return used;
    }

    private static boolean postgresReachable() {
        try (java.sql.Connection c =
                DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "")) {
            return c.isValid(2);
        } catch (Exception e) {
            return false;
        }
    }
}
