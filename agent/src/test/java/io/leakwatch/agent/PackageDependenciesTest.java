package io.leakwatch.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.instrument.Families;
import io.leakwatch.agent.instrument.Family;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The agent's package rules, read from its sources: families depend on the core, never the other way but through
 * {@link Families}, never on one another but through the declared-family mechanism; and no package cycle at all.
 */
class PackageDependenciesTest {
    private static final Path SOURCES = Paths.get("src/main/java");
    private static final String ROOT = "io.leakwatch.agent";
    private static final Pattern REFERENCE =
            Pattern.compile("\\b(io\\.leakwatch\\.agent(?:\\.[a-z][a-z0-9]*)*)\\.[A-Z]");

    @Test
    void theCoreNamesFamiliesOnlyInTheFamilyList() throws IOException {
        Set<String> families = familyPackages();
        assertThat(families).contains(ROOT + ".jdbc", ROOT + ".socket");
        Map<String, Set<String>> offenders = new TreeMap<>();
        for (Map.Entry<Path, Set<String>> e : referencesByFile().entrySet()) {
            String file = e.getKey().getFileName().toString();
            // every package that is not a family's is the core: the root, model, instrument, detect, report, ...
            if (!families.contains(packageOf(e.getKey())) && !file.equals("Families.java")) {
                Set<String> named =
                        e.getValue().stream().filter(families::contains).collect(Collectors.toCollection(TreeSet::new));
                if (!named.isEmpty()) {
                    offenders.put(file, named);
                }
            }
        }
        assertThat(offenders)
                .as("core classes that name a family package (register it in Families instead)")
                .isEmpty();
    }

    @Test
    void familiesDoNotDependOnOneAnother() throws IOException {
        Set<String> families = familyPackages();
        Map<String, Set<String>> offenders = new TreeMap<>();
        for (Map.Entry<Path, Set<String>> e : referencesByFile().entrySet()) {
            String from = packageOf(e.getKey());
            if (families.contains(from)) {
                for (String to : e.getValue()) {
                    if (!to.equals(from) && families.contains(to)) {
                        offenders.computeIfAbsent(from, k -> new TreeSet<>()).add(to);
                    }
                }
            }
        }
        assertThat(offenders).as("families that depend on another family").isEmpty();
    }

    @Test
    void noPackageCycle() throws IOException {
        Map<String, Set<String>> graph = new TreeMap<>();
        for (Map.Entry<Path, Set<String>> e : referencesByFile().entrySet()) {
            if (e.getKey().getFileName().toString().equals("Families.java")) {
                continue; // the one list of families, the sanctioned way from the core to them
            }
            String from = packageOf(e.getKey());
            Set<String> to = graph.computeIfAbsent(from, k -> new TreeSet<>());
            e.getValue().stream().filter(p -> !p.equals(from)).forEach(to::add);
        }
        Set<String> inCycles = new TreeSet<>();
        for (String start : graph.keySet()) {
            if (reaches(graph, start, start)) {
                inCycles.add(start);
            }
        }
        assertThat(inCycles).as("packages in an import cycle").isEmpty();
    }

    private static boolean reaches(Map<String, Set<String>> graph, String from, String target) {
        Deque<String> todo = new ArrayDeque<>(graph.getOrDefault(from, Set.of()));
        Set<String> seen = new TreeSet<>();
        while (!todo.isEmpty()) {
            String p = todo.pop();
            if (p.equals(target)) {
                return true;
            }
            if (seen.add(p)) {
                todo.addAll(graph.getOrDefault(p, Set.of()));
            }
        }
        return false;
    }

    private static Set<String> familyPackages() {
        Set<String> packages = new TreeSet<>();
        for (Family family : Families.all(null)) {
            packages.add(family.getClass().getPackageName());
        }
        return packages;
    }

    /** For each source file, the agent packages it names in imports or qualified names (its own included). */
    private static Map<Path, Set<String>> referencesByFile() throws IOException {
        Map<Path, Set<String>> references = new HashMap<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(SOURCES)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
        }
        assertThat(files).as("agent sources under " + SOURCES.toAbsolutePath()).isNotEmpty();
        Set<String> known = new TreeSet<>();
        for (Path f : files) {
            known.add(packageOf(f));
        }
        for (Path f : files) {
            Set<String> named = new TreeSet<>();
            Matcher m = REFERENCE.matcher(Files.readString(f, StandardCharsets.UTF_8));
            while (m.find()) {
                // io.leakwatch.agent.jdbc.JdbcTracker names io.leakwatch.agent.jdbc; a nested class name stops at the
                // type
                if (known.contains(m.group(1))) {
                    named.add(m.group(1));
                }
            }
            references.put(f, named);
        }
        return references;
    }

    private static String packageOf(Path file) {
        return SOURCES.relativize(file.getParent()).toString().replace(java.io.File.separatorChar, '.');
    }
}
