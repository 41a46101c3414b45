package io.leakwatch.demo;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reproduces every leak pattern leakwatch reports, or with {@code --clean} the same work done right.
 * Usage: {@code java -jar demo-leaky-app.jar [--clean] [--list] [scenario...]}.
 */
public final class LeakyApp {
    /** Objects the leaky scenarios keep reachable, so their handles stay open rather than being collected. */
    public static final List<Object> KEPT = new ArrayList<>();

    private LeakyApp() {}

    public static Map<String, Scenario> scenarios() {
        Map<String, Scenario> all = new LinkedHashMap<>();
        for (Scenario s : JdbcScenarios.all()) {
            all.put(s.name(), s);
        }
        JdkHttpScenarios.all().forEach(s -> all.put(s.name(), s));
        HttpLibScenarios.all().forEach(s -> all.put(s.name(), s));
        RedisScenarios.all().forEach(s -> all.put(s.name(), s));
        MessagingScenarios.all().forEach(s -> all.put(s.name(), s));
        SocketScenarios.all().forEach(s -> all.put(s.name(), s));
        return all;
    }

    public static void main(String[] args) throws Exception {
        boolean clean = false;
        List<String> chosen = new ArrayList<>();
        Map<String, Scenario> all = scenarios();
        for (String arg : args) {
            if (arg.equals("--clean")) {
                clean = true;
            } else if (arg.equals("--list")) {
                all.values().forEach(s -> System.out.printf("%-28s %s%n", s.name(), s.description()));
                return;
            } else if (all.containsKey(arg)) {
                chosen.add(arg);
            } else {
                System.err.println("demo-leaky-app: unknown scenario or flag '" + arg
                        + "'; use --clean, --list, or one of " + String.join(", ", all.keySet()));
                System.exit(2);
            }
        }
        if (chosen.isEmpty()) {
            chosen.addAll(all.keySet());
        }
        long holdMillis = Long.getLong("demo.holdMillis", 3000);
        System.out.println(
                "demo-leaky-app: running " + chosen.size() + " scenario(s) " + (clean ? "cleanly" : "with leaks"));
        for (String name : chosen) {
            Scenario s = all.get(name);
            System.out.println("  " + name + ": " + s.description());
            if (clean) {
                s.clean();
            } else {
                s.leak();
            }
        }
        // Leaked handles are held past the agent's threshold, and dropped ones get collected.
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(holdMillis / 5);
        }
        JdbcScenarios.finish();
        System.out.println("demo-leaky-app: done");
    }
}
