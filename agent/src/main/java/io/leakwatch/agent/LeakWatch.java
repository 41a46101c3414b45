package io.leakwatch.agent;

import io.leakwatch.agent.config.Options;
import io.leakwatch.agent.declared.DeclaredFamily;
import io.leakwatch.agent.detect.Risks;
import io.leakwatch.agent.detect.Sweeper;
import io.leakwatch.agent.instrument.AgentJar;
import io.leakwatch.agent.instrument.AgentVisibility;
import io.leakwatch.agent.instrument.Families;
import io.leakwatch.agent.instrument.Family;
import io.leakwatch.agent.instrument.LazyTransformer;
import io.leakwatch.agent.instrument.Redefinitions;
import io.leakwatch.agent.instrument.Rules;
import io.leakwatch.agent.instrument.Weaver;
import io.leakwatch.agent.model.Group;
import io.leakwatch.agent.model.Log;
import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import io.leakwatch.agent.ops.Management;
import io.leakwatch.agent.report.Report;
import java.io.File;
import java.io.IOException;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.reflect.Method;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.bytebuddy.agent.builder.AgentBuilder;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.utility.JavaModule;

/** The running agent: options, registry, sweeper, instrumentation and the exit report. Loaded from the bootstrap path. */
public final class LeakWatch {
    private static volatile LeakWatch instance;
    private static String version;

    public final Options options;
    public final Registry registry;
    public final boolean attached;
    public final File jar;
    final Sweeper sweeper;
    private volatile boolean exited;
    /** The user's track= declarations; at exit it names those whose type never loaded. */
    private final DeclaredFamily declared;
    /** The JVM's own stderr, as it was when the agent started (before a test runner replaced System.err). */
    private final java.io.PrintStream startErr = System.err;

    private LeakWatch(Options options, boolean attached, File jar) {
        this.options = options;
        this.registry = new Registry(options);
        this.attached = attached;
        this.jar = jar;
        this.sweeper = new Sweeper(registry);
        this.declared = new DeclaredFamily("track", options.track);
    }

    public static LeakWatch instance() {
        return instance;
    }

    /** Called by {@link AgentLauncher} for {@code -javaagent} (attached = false) and for a runtime attach. */
    public static synchronized void start(String args, Instrumentation inst, boolean attached, File jar) {
        if (instance != null) {
            String message = "leakwatch: already running in this JVM (" + instance.options + "); the new options '"
                    + args + "' were not applied";
            System.err.println(message);
            System.setProperty(Management.ERROR_PROPERTY, message);
            if (attached) {
                return; // the CLI reads the property; a throw would only add a stack trace to the application's stderr
            }
            throw new IllegalStateException(message);
        }
        Options options;
        try {
            options = Options.parse(args, System.getProperties());
        } catch (Options.OptionException e) {
            System.err.println(e.getMessage());
            System.err.flush();
            System.setProperty(Management.ERROR_PROPERTY, e.getMessage());
            if (!attached) {
                Runtime.getRuntime().halt(1);
            }
            return; // attached: the application runs on; the CLI reports the property
        }
        LeakWatch agent = new LeakWatch(options, attached, jar);
        Registry.install(agent.registry);
        instance = agent;
        AgentJar.started(jar);
        Risks.enable(options.risks);
        List<String> installed;
        try {
            agent.sweeper.start();
            agent.registerExitHook(inst);
            installed = agent.instrument(inst);
            io.leakwatch.agent.threads.ThreadStarts.install(inst);
        } catch (Throwable t) {
            Registry.install(null);
            agent.sweeper.stop();
            Log.warn("leakwatch could not start and is off; the application runs unaffected: " + t, t);
            System.setProperty(Management.ERROR_PROPERTY, "leakwatch could not start: " + t);
            return;
        }
        try {
            Management.start(agent.options, agent.registry, agent.attached);
        } catch (Throwable t) {
            Log.warn("JMX and metrics are off: " + t);
        }
        System.clearProperty(Management.ERROR_PROPERTY);
        System.setProperty(Management.VERSION_PROPERTY, AgentJar.version());
        Log.info("leakwatch " + AgentJar.version() + " watching " + String.join(",", installed) + ": " + options
                + (attached ? " (attached to a running JVM: handles opened before now are unknown)" : ""));
    }

    private List<String> instrument(Instrumentation inst) {
        List<Family> families = new ArrayList<>();
        for (Family family : Families.all(declared)) {
            if (options.enabled(family.name())) {
                families.add(family);
            }
        }
        List<String> jdkPrefixes = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Family family : families) {
            names.add(family.name());
            jdkPrefixes.addAll(family.jdkClassPrefixes());
            for (String name : family.jdkModules()) {
                // Advice inlined into a named JDK module calls the agent, in the bootstrap loader's unnamed module.
                ModuleLayer.boot()
                        .findModule(name)
                        .ifPresent(m -> inst.redefineModule(
                                m, Set.of(LeakWatch.class.getModule()), Map.of(), Map.of(), Set.of(), Map.of()));
            }
        }
        if (families.isEmpty()) {
            return names;
        }
        inst.addTransformer(new Redefinitions(), true);
        if (attached) {
            // Everything may be loaded already: what matches is retransformed, start-up is long past.
            Weaver byteBuddy = weaver(families, jdkPrefixes, inst);
            inst.addTransformer(byteBuddy, true);
            byteBuddy.retransformMatching();
            for (Family family : families) {
                ClassFileTransformer own = family.weaver();
                if (own != null) {
                    inst.addTransformer(own, true);
                    retransformLoaded(inst, family.jdkClassPrefixes().toArray(new String[0]));
                }
            }
            return names;
        }
        // One scan of each class routes it: first to the call-site passes it names the markers of, then to the lazily
        // built Byte Buddy transformer of each family whose markers it names.
        List<LazyTransformer.Member> members = new ArrayList<>();
        // Where the registry reads no site, the pass would cost class loading for nothing.
        for (Family family : families) {
            Family.CallSitePass pass = registry.readsSites() ? family.callSites() : null;
            if (pass != null) {
                members.add(new LazyTransformer.Member(
                        family.name() + " call sites", pass.markers(), List.of(), pass::transformer));
            }
        }
        for (Family family : families) {
            List<String> prefixes = family.jdkClassPrefixes();
            members.add(new LazyTransformer.Member(
                    family.name(), family.markers(), prefixes, family.typeMatch(), () -> {
                        ClassFileTransformer weaver = family.weaver();
                        return weaver != null ? weaver : weaver(List.of(family), prefixes, inst);
                    }));
        }
        inst.addTransformer(new LazyTransformer(members), true);
        retransformLoaded(inst, jdkPrefixes.toArray(new String[0]));
        return names;
    }

    /** Retransforms the loaded classes the prefixes name (the JDK's, loaded before the agent). */
    private void retransformLoaded(Instrumentation inst, String[] prefixes) {
        List<Class<?>> loaded = new ArrayList<>();
        for (Class<?> type : inst.getAllLoadedClasses()) {
            if (Stack.startsWithAny(type.getName(), prefixes) && inst.isModifiableClass(type)) {
                loaded.add(type);
            }
        }
        if (!loaded.isEmpty()) {
            try {
                inst.retransformClasses(loaded.toArray(new Class<?>[0]));
            } catch (Exception e) {
                registry.internalError(e);
            }
        }
    }

    private Weaver weaver(List<Family> families, List<String> jdkPrefixes, Instrumentation inst) {
        // Advice is inlined and nothing is injected, so Byte Buddy needs no sun.misc.Unsafe, which JDK 24+ warns
        // about on the application's stderr. (The property name is relocated with Byte Buddy: it is ours alone.)
        System.setProperty("net.bytebuddy.safe", "true");
        Rules rules = new Rules();
        for (Family family : families) {
            rules = family.extend(rules);
        }
        // Classes of named modules (a JDK proxy's jdk.proxyN, as Tomcat JDBC's connections are) are made to read the
        // agent's module by the weaver, or the advice inlined into them could not call it.
        return new Weaver(rules, new Ignored(jdkPrefixes), inst, LeakWatch.class.getModule());
    }

    /**
     * Runs the exit report after every application shutdown hook has finished (so connections those hooks use are
     * seen), through the JDK's ordered system-hook slots; falls back to an ordinary shutdown hook.
     */
    private void registerExitHook(Instrumentation inst) {
        Runnable hook = this::onExit;
        try {
            Module javaBase = Object.class.getModule();
            inst.redefineModule(
                    javaBase,
                    Set.of(),
                    Map.of(),
                    Map.of("java.lang", Set.of(LeakWatch.class.getModule())),
                    Set.of(),
                    Map.of());
            Method add = Class.forName("java.lang.Shutdown")
                    .getDeclaredMethod("add", int.class, boolean.class, Runnable.class);
            add.setAccessible(true);
            for (int slot = 9; slot >= 3; slot--) {
                try {
                    add.invoke(null, slot, true, hook);
                    return;
                } catch (java.lang.reflect.InvocationTargetException slotTaken) {
                    // another system hook has that slot; try the one before
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // fall back below
        }
        Runtime.getRuntime().addShutdownHook(new Thread(hook, "leakwatch-exit"));
    }

    void onExit() {
        if (exited) {
            return;
        }
        exited = true;
        // Surefire's forked booter (Gradle's test worker likewise) replaces System.err with a stream into its channel
        // to the build and closes that channel before the JVM exits: what the exit report printed there never
        // reached the build log. The JVM's own stderr (fd 2) is still read and copied into the log, so it goes there.
        java.io.PrintStream err = System.err;
        boolean redirected = !attached && err != startErr;
        if (redirected) {
            System.setErr(startErr);
        }
        try {
            exitReport();
        } finally {
            if (redirected) {
                System.setErr(err);
            }
        }
    }

    private void exitReport() {
        sweeper.stop();
        Report report;
        try {
            sweeper.sweep();
            declared.atExit();
            report = Report.atExit(registry, options.everyOpenAtExit);
            for (Group g : report.leakGroups) {
                if (!sweeper.wasLogged(g)) {
                    Log.warn(Report.describe(
                            g, g.reason.equals("open-at-exit") ? "LEAK (open at exit)" : "LEAK (" + g.reason + ")"));
                }
            }
            if (report.leaks > 0) {
                Log.warn(report.summaryLine());
            } else {
                Log.info(report.summaryLine());
            }
        } catch (Throwable t) {
            System.err.println("leakwatch: could not build the exit report: " + t);
            return;
        }
        if (options.report != null) {
            try {
                report.write(options.report);
                Log.info("report written to " + options.report);
            } catch (IOException | RuntimeException e) {
                Log.warn("could not write the report to " + options.report + ": " + e);
            }
        }
        if (options.failOnLeak && report.leaks > 0) {
            System.err.println("leakwatch: failOnLeak=true and " + report.leaks + " leak"
                    + (report.leaks == 1 ? "" : "s") + " found; exiting with status 3:");
            for (String site : report.leakSites()) {
                System.err.println("leakwatch:   " + site);
            }
            System.err.flush();
            System.out.flush();
            Runtime.getRuntime().halt(3);
        }
    }

    /**
     * Skips the agent itself, generated classes, every JDK class but those a family asks for, and the classes of
     * loaders that cannot link the advice to the agent.
     */
    private static final class Ignored implements AgentBuilder.RawMatcher {
        private final String[] jdkPrefixes;
        private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

        Ignored(List<String> jdkPrefixes) {
            this.jdkPrefixes = jdkPrefixes.toArray(new String[0]);
        }

        @Override
        public boolean matches(
                TypeDescription type,
                ClassLoader loader,
                JavaModule module,
                Class<?> beingRedefined,
                ProtectionDomain domain) {
            String name = type.getName();
            if (name.startsWith("io.leakwatch.agent.")
                    || name.startsWith("io.leakwatch.shaded.")
                    || name.contains("$$Lambda")) {
                return true;
            }
            if (loader == null || loader == platform) {
                return !Stack.startsWithAny(name, jdkPrefixes);
            }
            return !AgentVisibility.sees(loader);
        }
    }
}
