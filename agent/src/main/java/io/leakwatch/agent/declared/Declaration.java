package io.leakwatch.agent.declared;

import io.leakwatch.agent.model.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One tracked resource type: {@code [kind:]Type#method>release[/release...][+client][+parent]}. What {@code method}
 * returns, on {@code Type} or any class extending or implementing it, is a handle until one of the release methods is
 * called on it; by default the releases are looked up on the method's declared return type and its implementations,
 * or on the type named as {@code >ReleaseType#release/release}.
 */
public final class Declaration {
    public static final String FORM = "[kind:]com.acme.Type#method>release[/release...][+client][+parent], such as "
            + "com.acme.SessionFactory#open>close or @/path/to/file with one per line";
    private static final String NAME = "[A-Za-z_$][A-Za-z0-9_$]*";
    private static final String QUALIFIED = NAME + "(?:\\." + NAME + ")*";
    private static final Pattern SYNTAX = Pattern.compile("(?:([A-Za-z0-9][A-Za-z0-9._-]*):)?(" + QUALIFIED + ")#("
            + NAME + ")>(?:(" + QUALIFIED + ")#)?(" + NAME + "(?:/" + NAME + ")*)((?:\\+[a-z]+)*)");

    /** As written, for messages. */
    public final String text;

    public final String type;
    public final String method;
    /** Where the release methods are, or null for the acquiring method's declared return type. */
    public final String releaseType;

    public final List<String> releases;
    /** Never aged: a leak only when collected unreleased, churn when made again and again at one line. */
    public final boolean client;
    /** The object the method is called on, if it is a handle, owns the result: releasing it releases the result. */
    public final boolean parent;

    public final Kind kind;
    /** Written by the user (said at exit if its type never loaded), not one of the built-in families. */
    final boolean declaredByUser;
    /** The report's target for a tracked object, or null; built-in families only. */
    final Function<Object, String> target;
    /** Never aged, but a leak when too many are open at once from one line ({@link Accumulation}); AMQP channels. */
    final boolean accumulates;

    private final List<String> markers;

    private Declaration(
            String text,
            Matcher m,
            Kind kind,
            boolean declaredByUser,
            Function<Object, String> target,
            boolean accumulates) {
        this.text = text;
        this.type = m.group(2);
        this.method = m.group(3);
        this.releaseType = m.group(4);
        this.releases = List.of(m.group(5).split("/"));
        String flags = m.group(6);
        boolean client = false;
        boolean parent = false;
        for (String flag : flags.isEmpty() ? new String[0] : flags.substring(1).split("\\+")) {
            if (flag.equals("client") && !client) {
                client = true;
            } else if (flag.equals("parent") && !parent) {
                parent = true;
            } else {
                throw new IllegalArgumentException(
                        "unknown or repeated flag +" + flag + " (flags are +client and +parent)");
            }
        }
        this.client = client;
        this.parent = parent;
        this.kind = kind != null
                ? kind
                : Kind.of(m.group(1) != null ? m.group(1) : simpleName(type) + "." + method, !client);
        if (kind != null && kind.ages == (client || accumulates)) {
            throw new IllegalStateException("kind " + kind + " and flags of " + text + " disagree");
        }
        this.declaredByUser = declaredByUser;
        this.target = target;
        this.accumulates = accumulates;
        this.markers = computeMarkers();
    }

    /**
     * A user's declaration.
     *
     * @throws IllegalArgumentException naming what is wrong, without the accepted form
     */
    public static Declaration parse(String text) {
        String t = text.trim();
        Matcher m = SYNTAX.matcher(t);
        if (!m.matches()) {
            throw new IllegalArgumentException(hint(t));
        }
        if (m.group(2).startsWith("java.") || m.group(2).startsWith("jdk.")) {
            throw new IllegalArgumentException(m.group(2) + " is a JDK class; declare application or library classes");
        }
        return new Declaration(t, m, null, true, null, false);
    }

    /** A built-in family's declaration, with its own kind and target. */
    static Declaration builtIn(String text, Kind kind, Function<Object, String> target, boolean accumulates) {
        Matcher m = SYNTAX.matcher(text);
        if (!m.matches()) {
            throw new IllegalStateException("bad built-in declaration " + text);
        }
        return new Declaration(text, m, kind, false, target, accumulates);
    }

    /** What part of a declaration that does not parse is wrong. */
    private static String hint(String t) {
        if (t.isEmpty()) {
            return "empty declaration";
        }
        int hash = t.indexOf('#');
        int arrow = t.indexOf('>');
        if (arrow < 0) {
            return "no '>' and release method after Type#method";
        }
        if (hash < 0 || arrow < hash) {
            return "no Type#method before '>'";
        }
        String after = t.substring(arrow + 1);
        if (after.isEmpty() || after.startsWith("+") || after.startsWith("/")) {
            return "no release method after '>'";
        }
        if (after.contains(">") || after.contains("(")) {
            return "one '>' and bare method names (no parameter lists) expected";
        }
        return "not a declaration";
    }

    private static String simpleName(String type) {
        String simple = type.substring(type.lastIndexOf('.') + 1);
        return simple.substring(simple.lastIndexOf('$') + 1);
    }

    /**
     * The byte sequence a class of this declaration mentions: the first two segments of the type's package in
     * internal form ({@code com/acme/}), so that implementations elsewhere in the library pass the loader's pre-filter.
     */
    List<String> markers() {
        return markers;
    }

    private List<String> computeMarkers() {
        List<String> markers = new ArrayList<>();
        markers.add(marker(type));
        if (releaseType != null && !markers.contains(marker(releaseType))) {
            markers.add(marker(releaseType));
        }
        return List.copyOf(markers);
    }

    /** Whether a class of this name is in the packages of {@link #markers()}. */
    boolean inPackages(String className) {
        for (String marker : markers) {
            if (className.length() >= marker.length()
                    && className.regionMatches(0, marker.replace('/', '.'), 0, marker.length())) {
                return true;
            }
        }
        return false;
    }

    private static String marker(String type) {
        String[] parts = type.split("\\.", -1);
        if (parts.length == 1) {
            return type;
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(2, parts.length - 1); i++) {
            b.append(parts[i]).append('/');
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return text;
    }
}
