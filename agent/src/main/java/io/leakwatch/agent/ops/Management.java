package io.leakwatch.agent.ops;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.detect.Diagnosis;
import io.leakwatch.agent.instrument.AgentJar;
import io.leakwatch.agent.model.Handle;
import io.leakwatch.agent.model.Holder;
import io.leakwatch.agent.model.Kind;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.report.Report;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import javax.management.MBeanServer;
import javax.management.MBeanServerFactory;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * The agent's operating surface: the MXBeans and the Prometheus endpoint.
 *
 * <p>The MXBeans are not registered in premain: creating the platform MBean server there would initialise JMX and
 * java.util.logging before the application could choose its own {@code java.util.logging.manager} or
 * {@code javax.management.builder.initial} (JBoss/WildFly do, and break if they cannot). A daemon thread registers them
 * as soon as some MBean server exists, or after {@link #JMX_DELAY_MILLIS} when neither property is set; when one is
 * set it waits for the application (or {@code leakwatch dump}, which starts the local JMX agent) to create the server.
 * After a runtime attach the application is up, so they are registered at once.
 */
public final class Management implements LeakWatchMXBean {
    public static final String OBJECT_NAME = "io.leakwatch:type=LeakWatch";
    public static final String KIND_OBJECT_NAME = "io.leakwatch:type=Kind,name=";
    /** A system property of the watched JVM: the agent's version once it runs; the CLI's {@code list} reads it. */
    public static final String VERSION_PROPERTY = "io.leakwatch.version";
    /** A system property of the watched JVM: why the last start failed; the CLI's {@code attach} reports it. */
    public static final String ERROR_PROPERTY = "io.leakwatch.error";

    static final long JMX_DELAY_MILLIS = 2000;
    private static final String ENDPOINT_CLASS = "io.leakwatch.agent.metrics.HttpEndpoint";

    private final Options options;
    private final Registry registry;
    private volatile String metricsEndpoint = "";

    Management(Options options, Registry registry) {
        this.options = options;
        this.registry = registry;
    }

    public static Management start(Options options, Registry registry, boolean attached) {
        Management m = new Management(options, registry);
        if (options.metricsPort >= 0) {
            // Started from a daemon thread: the HTTP server's dispatcher inherits it and never holds the JVM up.
            daemon("leakwatch-metrics-start", m::startMetrics);
        }
        if (attached) {
            m.registerMBeans();
        } else {
            daemon("leakwatch-jmx", m::registerWhenSafe);
        }
        return m;
    }

    private static void daemon(String name, Runnable task) {
        Thread t = new Thread(task, name);
        t.setDaemon(true);
        t.start();
    }

    private void registerWhenSafe() {
        boolean cautious = System.getProperty("java.util.logging.manager") != null
                || System.getProperty("javax.management.builder.initial") != null;
        long deadline = System.currentTimeMillis() + JMX_DELAY_MILLIS;
        long pause = 100;
        try {
            while (MBeanServerFactory.findMBeanServer(null).isEmpty()
                    && (cautious || System.currentTimeMillis() < deadline)) {
                Thread.sleep(pause);
                if (System.currentTimeMillis() >= deadline) {
                    pause = 1000;
                }
            }
        } catch (InterruptedException e) {
            return;
        } catch (RuntimeException | LinkageError e) {
            Log.warn("JMX is not available (" + e + "); the MXBean io.leakwatch:type=LeakWatch is not registered");
            return;
        }
        registerMBeans();
    }

    void registerMBeans() {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            register(server, new StandardMBean(this, LeakWatchMXBean.class, true), OBJECT_NAME);
            for (Kind kind : Kind.values()) {
                register(
                        server,
                        new StandardMBean(new KindBean(kind), KindMXBean.class, true),
                        KIND_OBJECT_NAME + kind.label);
            }
        } catch (Exception | LinkageError e) {
            Log.warn("could not register the MXBean " + OBJECT_NAME + ": " + e);
        }
    }

    private static void register(MBeanServer server, Object bean, String name) throws Exception {
        ObjectName objectName = new ObjectName(name);
        if (server.isRegistered(objectName)) {
            server.unregisterMBean(objectName);
        }
        server.registerMBean(bean, objectName);
    }

    private void startMetrics() {
        Options o = options;
        try {
            InetSocketAddress bound = startEndpoint(o.metricsHost, o.metricsPort, () -> Metrics.scrape(registry));
            metricsEndpoint = "http://"
                    + (o.metricsHost.contains(":") && !o.metricsHost.startsWith("[")
                            ? "[" + o.metricsHost + "]"
                            : o.metricsHost)
                    + ":" + bound.getPort() + "/metrics";
            Log.info("Prometheus metrics at " + metricsEndpoint);
        } catch (Throwable t) {
            Log.warn("could not serve metrics on " + o.metricsHost + ":" + o.metricsPort + " (option metrics): " + t
                    + "; everything else runs");
        }
    }

    /**
     * com.sun.net.httpserver is in the platform loader, which the bootstrap path cannot see, so the endpoint class is
     * defined in a loader of its own under the platform loader; it calls back only through {@link Supplier}.
     */
    @SuppressWarnings("unchecked")
    static InetSocketAddress startEndpoint(String host, int port, Supplier<String> body) throws Exception {
        ClassLoader loader = new ClassLoader("leakwatch-metrics", ClassLoader.getPlatformClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (!name.startsWith(ENDPOINT_CLASS)) {
                    return super.loadClass(name, resolve);
                }
                synchronized (getClassLoadingLock(name)) {
                    Class<?> c = findLoadedClass(name);
                    if (c == null) {
                        String resource = name.replace('.', '/') + ".class";
                        try (InputStream in = ClassLoader.getSystemResourceAsStream(resource)) {
                            if (in == null) {
                                throw new ClassNotFoundException(name);
                            }
                            byte[] bytes = in.readAllBytes();
                            c = defineClass(name, bytes, 0, bytes.length);
                        } catch (IOException e) {
                            throw new ClassNotFoundException(name, e);
                        }
                    }
                    return c;
                }
            }
        };
        Class<?> endpoint = Class.forName(ENDPOINT_CLASS, true, loader);
        return (InetSocketAddress) endpoint.getMethod("start", String.class, int.class, Supplier.class)
                .invoke(null, host, port, body);
    }

    /** One kind's figures, read once so that the JMX and Prometheus views of a moment agree. */
    static final class Figures {
        final long open;
        final long peak;
        final long acquired;
        final long released;
        final long leaks;
        final long late;
        final long dropped;
        long heldPastThreshold;
        long longHolds;

        Figures(Registry.Stats s) {
            open = s.open();
            peak = s.peak();
            acquired = s.acquired.sum();
            released = s.released.sum();
            leaks = s.leaks.sum();
            late = s.late.sum();
            dropped = s.dropped.sum();
        }
    }

    /** Every kind's figures, in {@link Kind} order. */
    static Map<Kind, Figures> figures(Registry registry) {
        Map<Kind, Figures> figures = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            figures.put(kind, new Figures(registry.stats(kind)));
        }
        long now = System.nanoTime();
        long threshold = registry.thresholdMillis() * 1_000_000;
        for (Handle h : registry.openHandles()) {
            if (h.kind.ages && h.heldPast(now, threshold)) {
                figures.get(h.kind).heldPastThreshold++;
                Holder holder = h.holder;
                if (holder != null && holder.inUse()) {
                    figures.get(h.kind).longHolds++;
                }
            }
        }
        return figures;
    }

    private long total(java.util.function.ToLongFunction<Figures> field) {
        long sum = 0;
        for (Figures f : figures(registry).values()) {
            sum += field.applyAsLong(f);
        }
        return sum;
    }

    @Override
    public String getVersion() {
        return AgentJar.version();
    }

    @Override
    public String getOptions() {
        return options.toString();
    }

    @Override
    public String getThreshold() {
        return Options.formatDuration(registry.thresholdMillis());
    }

    @Override
    public long getThresholdMillis() {
        return registry.thresholdMillis();
    }

    @Override
    public String getMetricsEndpoint() {
        return metricsEndpoint;
    }

    @Override
    public Map<String, Long> getOpenHandles() {
        Map<String, Long> open = new LinkedHashMap<>();
        for (Kind kind : Kind.values()) {
            open.put(kind.label, registry.stats(kind).open());
        }
        return open;
    }

    @Override
    public long getOpenHandlesTotal() {
        return registry.total(Registry.Stats::open);
    }

    @Override
    public long getAcquired() {
        return registry.total(s -> s.acquired.sum());
    }

    @Override
    public long getReleased() {
        return registry.total(s -> s.released.sum());
    }

    @Override
    public long getLeaks() {
        return registry.total(s -> s.leaks.sum());
    }

    @Override
    public long getHeldPastThreshold() {
        return total(f -> f.heldPastThreshold);
    }

    @Override
    public long getLateReleases() {
        return registry.total(s -> s.late.sum());
    }

    @Override
    public long getLongHolds() {
        return total(f -> f.longHolds);
    }

    @Override
    public long getDropped() {
        return registry.total(s -> s.dropped.sum());
    }

    @Override
    public long getInternalErrors() {
        return registry.internalErrors.sum();
    }

    @Override
    public String dump() {
        return Dump.text(registry);
    }

    @Override
    public String dumpJson() {
        return Dump.json(registry);
    }

    @Override
    public String writeReport(String path) {
        if (path == null || path.isBlank()) {
            throw new IllegalArgumentException("writeReport: give a file path (.json) or a directory");
        }
        Path file = Paths.get(path).toAbsolutePath();
        try {
            Report.of(registry).write(file);
        } catch (IOException | RuntimeException e) {
            // A plain exception: a remote JMX client has no agent classes to deserialise ours.
            throw new IllegalStateException("writeReport: cannot write " + file + ": " + e);
        }
        return java.nio.file.Files.isDirectory(file)
                ? file.resolve("leakwatch-report.json").toString()
                : file.toString();
    }

    @Override
    public void setThreshold(String duration) {
        long millis;
        try {
            millis = Options.parseDuration("threshold", duration == null ? "" : duration.trim());
        } catch (Options.OptionException e) {
            throw new IllegalArgumentException(e.getMessage());
        }
        registry.setThresholdMillis(millis);
        Log.info("threshold set to " + Options.formatDuration(millis) + " through JMX");
    }

    @Override
    public void reset() {
        for (Kind kind : Kind.values()) {
            registry.stats(kind).reset();
        }
        registry.internalErrors.reset();
        Log.info("counters reset through JMX");
    }

    @Override
    public java.util.List<String> getRisks() {
        return Diagnosis.riskLines();
    }

    @Override
    public java.util.List<Diagnosis.TargetView> getTargets() {
        return Diagnosis.targetViews();
    }

    private final class KindBean implements KindMXBean {
        private final Kind kind;

        KindBean(Kind kind) {
            this.kind = kind;
        }

        private Registry.Stats s() {
            return registry.stats(kind);
        }

        @Override
        public long getOpenHandles() {
            return s().open();
        }

        @Override
        public long getPeakOpenHandles() {
            return s().peak();
        }

        @Override
        public long getAcquired() {
            return s().acquired.sum();
        }

        @Override
        public long getReleased() {
            return s().released.sum();
        }

        @Override
        public long getLeaks() {
            return s().leaks.sum();
        }

        @Override
        public long getHeldPastThreshold() {
            return figures(registry).get(kind).heldPastThreshold;
        }

        @Override
        public long getLateReleases() {
            return s().late.sum();
        }

        @Override
        public long getDropped() {
            return s().dropped.sum();
        }
    }
}
