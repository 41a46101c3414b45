package io.leakwatch.agent.declared;

import io.leakwatch.agent.model.Kind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** Reads {@code track=} values: declarations, and {@code @file} with one declaration per line. */
public final class Declarations {
    private Declarations() {}

    /** A built-in family's declaration, with its own kind and the report's target for what it tracks. */
    public static Declaration builtIn(String text, Kind kind, Function<Object, String> target) {
        return Declaration.builtIn(text, kind, target, false);
    }

    /**
     * A built-in declaration of resources that may live as long as the process and leak by piling up: never aged, a
     * leak once too many are open at once from one line.
     */
    public static Declaration accumulating(String text, Kind kind, Function<Object, String> target) {
        return Declaration.builtIn(text, kind, target, true);
    }

    /**
     * The declarations of a {@code track=} list item: itself, or those of the file it names after '@'.
     *
     * @throws IllegalArgumentException naming the declaration (and file and line) and the problem
     */
    public static List<Declaration> parse(String item) {
        if (!item.startsWith("@")) {
            try {
                return List.of(Declaration.parse(item));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("'" + item + "': " + e.getMessage());
            }
        }
        Path file;
        List<String> lines;
        try {
            file = Paths.get(item.substring(1)).toAbsolutePath();
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the declarations file '" + item.substring(1) + "' ("
                    + e.getClass().getSimpleName() + ")");
        }
        List<Declaration> declarations = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            // '#' also separates type and method: a comment is a whole line, or starts after white space
            String text = lines.get(i).replaceFirst("(^|\\s)#.*", "").trim();
            if (text.isEmpty()) {
                continue;
            }
            try {
                declarations.add(Declaration.parse(text));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": '" + text + "': " + e.getMessage());
            }
        }
        if (declarations.isEmpty()) {
            throw new IllegalArgumentException("the declarations file " + file + " declares nothing");
        }
        return declarations;
    }
}
