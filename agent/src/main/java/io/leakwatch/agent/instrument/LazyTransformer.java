package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Stands in front of Byte Buddy, one lazily built transformer per family. A class's constant pool is scanned once for
 * every family's markers (such as {@code java/sql/} or {@code okhttp3/Call}): a class that names none of them cannot be
 * instrumented and is passed over; one that names some is handed only to the families whose markers it names, and a
 * family's Byte Buddy transformer is built when the first such class loads. An application that never touches an
 * instrumented library pays neither Byte Buddy's start-up nor its type matching, and one that uses JDBC pays for the
 * JDBC family's matchers alone, not for every family's on every class that names {@code java/sql/}.
 */
public final class LazyTransformer implements ClassFileTransformer {
    /** One family's part: its markers, the JDK classes it may instrument, and how to build its transformer. */
    public static final class Member {
        final String name;
        final List<String> markers;
        final String[] jdkPrefixes;
        /** From {@link Family#typeMatch}, in internal form; null: no class is passed over by its header. */
        private final Set<String> classNames;

        private final byte[][] methodNames;
        private final String[] markerPrefixes;
        private final Supplier<ClassFileTransformer> factory;
        private volatile ClassFileTransformer delegate;
        /** The thread building the delegate, which meets the classes the build loads: they are passed over. */
        private Thread building;

        public Member(
                String name, List<String> markers, List<String> jdkPrefixes, Supplier<ClassFileTransformer> factory) {
            this(name, markers, jdkPrefixes, null, factory);
        }

        public Member(
                String name,
                List<String> markers,
                List<String> jdkPrefixes,
                Family.TypeMatch typeMatch,
                Supplier<ClassFileTransformer> factory) {
            this.name = name;
            this.markers = List.copyOf(markers);
            this.jdkPrefixes =
                    jdkPrefixes.stream().map(p -> p.replace('.', '/')).toArray(String[]::new);
            this.markerPrefixes = markers.toArray(new String[0]);
            this.classNames = typeMatch == null
                    ? null
                    : typeMatch.classNames().stream()
                            .map(c -> c.replace('.', '/'))
                            .collect(Collectors.toUnmodifiableSet());
            this.methodNames = typeMatch == null
                    ? null
                    : typeMatch.methodNames().stream()
                            .map(m -> m.getBytes(StandardCharsets.UTF_8))
                            .toArray(byte[][]::new);
            this.factory = factory;
        }

        /**
         * Whether the family's matchers could match the class (see {@link Family#typeMatch}): it is one of the names,
         * declares one of the methods, or has a direct supertype that is neither Object nor a JDK class outside the
         * markers. A header this cannot read says yes.
         */
        boolean mayMatch(ClassHeader header) {
            if (classNames == null) {
                return true;
            }
            try {
                if (classNames.contains(header.name()) || !outside(header.superName())) {
                    return true;
                }
                for (String type : header.interfaces()) {
                    if (!outside(type)) {
                        return true;
                    }
                }
                return header.declaresMethodNamed(methodNames);
            } catch (RuntimeException e) {
                return true;
            }
        }

        /** Object, or a JDK class outside the markers: no supertype of it is one the family matches. */
        private boolean outside(String type) {
            return type == null
                    || type.equals("java/lang/Object")
                    || (type.startsWith("java/") && !Stack.startsWithAny(type, markerPrefixes));
        }

        boolean built() {
            return delegate != null;
        }

        /** The family's transformer, built on first use; null while this thread is building it. */
        ClassFileTransformer delegate() {
            ClassFileTransformer d = delegate;
            if (d != null) {
                return d;
            }
            synchronized (this) {
                if (delegate == null) {
                    if (building == Thread.currentThread()) {
                        return null;
                    }
                    building = Thread.currentThread();
                    try {
                        delegate = factory.get();
                    } catch (RuntimeException | LinkageError e) {
                        Registry.error(e);
                        delegate = new ClassFileTransformer() {};
                    } finally {
                        building = null;
                    }
                }
                return delegate;
            }
        }
    }

    private final Member[] members;
    /** Every distinct marker, and for each the families (bits of {@link #members}) that named it. */
    private final byte[][] markers;

    private final long[] owners;
    /** Per first byte, the markers (indices) that start with it: most bytes of a class file start none. */
    private final int[][] byFirstByte = new int[256][];

    private final String[] jdkPrefixes;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();

    public LazyTransformer(List<Member> members) {
        if (members.size() > 64) {
            throw new IllegalArgumentException("at most 64 families");
        }
        this.members = members.toArray(new Member[0]);
        List<String> distinct = new ArrayList<>();
        Set<String> prefixes = new LinkedHashSet<>();
        for (Member m : members) {
            for (String marker : m.markers) {
                if (!distinct.contains(marker)) {
                    distinct.add(marker);
                }
            }
            prefixes.addAll(List.of(m.jdkPrefixes));
        }
        this.markers = new byte[distinct.size()][];
        this.owners = new long[distinct.size()];
        for (int i = 0; i < distinct.size(); i++) {
            markers[i] = distinct.get(i).getBytes(StandardCharsets.UTF_8);
            int first = markers[i][0] & 0xff;
            int[] starting = byFirstByte[first] == null ? new int[0] : byFirstByte[first];
            starting = Arrays.copyOf(starting, starting.length + 1);
            starting[starting.length - 1] = i;
            byFirstByte[first] = starting;
            for (int f = 0; f < this.members.length; f++) {
                if (this.members[f].markers.contains(distinct.get(i))) {
                    owners[i] |= 1L << f;
                }
            }
        }
        this.jdkPrefixes = prefixes.toArray(new String[0]);
    }

    @Override
    public byte[] transform(
            Module module,
            ClassLoader loader,
            String className,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes)
            throws IllegalClassFormatException {
        return transform(module, true, loader, className, redefined, domain, bytes);
    }

    @Override
    public byte[] transform(
            ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes)
            throws IllegalClassFormatException {
        return transform(null, false, loader, className, redefined, domain, bytes);
    }

    private byte[] transform(
            Module module,
            boolean withModule,
            ClassLoader loader,
            String className,
            Class<?> redefined,
            ProtectionDomain domain,
            byte[] bytes)
            throws IllegalClassFormatException {
        boolean jdk = loader == null || loader == platform;
        if (!considered(jdk, className)) {
            return null;
        }
        ClassHeader header;
        long families;
        try {
            header = ClassHeader.of(bytes);
            families = families(header);
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            header = null; // a class file this cannot walk is scanned whole, and Byte Buddy decides what it is
            families = scan(bytes, 0, bytes.length, 0L);
        }
        if (families == 0) {
            return null;
        }
        byte[] current = bytes;
        boolean changed = false;
        for (int f = 0; f < members.length; f++) {
            if ((families & (1L << f)) == 0 || (jdk && !Stack.startsWithAny(className, members[f].jdkPrefixes))) {
                continue;
            }
            if (header != null && !members[f].mayMatch(header)) {
                continue;
            }
            ClassFileTransformer d = members[f].delegate();
            if (d == null) {
                continue;
            }
            byte[] out = withModule
                    ? d.transform(module, loader, className, redefined, domain, current)
                    : d.transform(loader, className, redefined, domain, current);
            if (out != null) {
                current = out;
                changed = true;
            }
        }
        return changed ? current : null;
    }

    /** Whether the class is one any family may instrument, by its name: not the agent's, not a JDK class none asks for. */
    private boolean considered(boolean jdk, String className) {
        return className != null
                && !className.startsWith("io/leakwatch/agent/")
                && !className.startsWith("io/leakwatch/shaded/")
                && (!jdk || Stack.startsWithAny(className, jdkPrefixes));
    }

    /** The families whose markers the class file names (a file this cannot walk is scanned whole). */
    long families(byte[] bytes) {
        try {
            return families(ClassHeader.of(bytes));
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException e) {
            return scan(bytes, 0, bytes.length, 0L);
        }
    }

    /**
     * The families whose markers the class names. Names are only in the constant pool's UTF-8 entries, so only those
     * are scanned, not the code and attributes (most of a class file).
     */
    private long families(ClassHeader header) {
        long found = 0;
        byte[] bytes = header.bytes();
        for (int i = 1, n = header.constants(); i < n; i++) {
            int start = header.utf8Start(i);
            if (start >= 0) {
                found = scan(bytes, start, start + header.utf8Length(i), found);
            }
        }
        return found;
    }

    private long scan(byte[] bytes, int from, int to, long found) {
        for (int i = from; i < to; i++) {
            int[] starting = byFirstByte[bytes[i] & 0xff];
            if (starting != null) {
                for (int m : starting) {
                    if ((found & owners[m]) != owners[m] && matchesAt(bytes, i, to, markers[m])) {
                        found |= owners[m];
                    }
                }
            }
        }
        return found;
    }

    private static boolean matchesAt(byte[] bytes, int at, int to, byte[] marker) {
        if (at + marker.length > to) {
            return false;
        }
        for (int j = 0; j < marker.length; j++) {
            if (bytes[at + j] != marker[j]) {
                return false;
            }
        }
        return true;
    }

    /** The names of the families whose transformers were built (for tests and diagnostics). */
    List<String> built() {
        List<String> names = new ArrayList<>();
        for (Member m : members) {
            if (m.built()) {
                names.add(m.name);
            }
        }
        return names;
    }
}
