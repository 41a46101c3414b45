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
import java.util.concurrent.ConcurrentHashMap;
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

        private final String[] namePrefixes;
        private final byte[][] methodNames;
        /** From {@link Family.TypeMatch#jdkSupertypes}; empty: every JDK type under the markers may match. */
        private final List<String> jdkSupertypes;
        /** Resolved on first use, so a program that never meets the family never loads them; null until then. */
        private volatile Class<?>[] jdkRoots;
        /** Per JDK type under the markers (internal name): whether it is one of the roots' subtypes. */
        private final ConcurrentHashMap<String, Boolean> underRoots = new ConcurrentHashMap<>();

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
            this.namePrefixes = typeMatch == null
                    ? null
                    : typeMatch.namePrefixes().stream()
                            .map(c -> c.replace('.', '/'))
                            .toArray(String[]::new);
            this.methodNames = typeMatch == null
                    ? null
                    : typeMatch.methodNames().stream()
                            .map(m -> m.getBytes(StandardCharsets.UTF_8))
                            .toArray(byte[][]::new);
            this.jdkSupertypes = typeMatch == null ? List.of() : List.copyOf(typeMatch.jdkSupertypes());
            this.factory = factory;
        }

        /**
         * Whether the family's matchers could match the class (see {@link Family#typeMatch}): it has one of the names
         * or prefixes, declares one of the methods, or has a direct supertype that is neither Object nor a JDK class
         * outside the markers. A header this cannot read says yes.
         */
        boolean mayMatch(ClassHeader header) {
            if (classNames == null) {
                return true;
            }
            try {
                String name = header.name();
                if (classNames.contains(name)
                        || Stack.startsWithAny(name, namePrefixes)
                        || !outside(header.superName())) {
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

        /**
         * Object, a JDK class outside the markers, or one under them that is none of the family's JDK supertypes: no
         * supertype of it is one the family matches.
         */
        private boolean outside(String type) {
            if (type == null || type.equals("java/lang/Object")) {
                return true;
            }
            if (!Stack.startsWithAny(type, markerPrefixes)) {
                return type.startsWith("java/");
            }
            return !jdkSupertypes.isEmpty() && !underRoots.computeIfAbsent(type, this::underRoots);
        }

        /** Whether the type is a JDK type of the roots' or not one the platform loader knows (then: maybe). */
        private boolean underRoots(String type) {
            ClassLoader platform = ClassLoader.getPlatformClassLoader();
            try {
                Class<?>[] roots = jdkRoots;
                if (roots == null) {
                    roots = new Class<?>[jdkSupertypes.size()];
                    for (int i = 0; i < roots.length; i++) {
                        roots[i] = Class.forName(jdkSupertypes.get(i), false, platform);
                    }
                    jdkRoots = roots;
                }
                Class<?> jdk = Class.forName(type.replace('/', '.'), false, platform);
                if (jdk.getClassLoader() != null && jdk.getClassLoader() != platform) {
                    return true;
                }
                for (Class<?> root : roots) {
                    if (root.isAssignableFrom(jdk)) {
                        return true;
                    }
                }
                return false;
            } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
                return true;
            }
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
    /**
     * The markers (indices) by their first eight bytes, in an open-addressed table of those bytes as a long (0: empty;
     * no marker starts with zero bytes): the scan looks up the last eight bytes it read, one probe per byte, where a
     * lookup by fewer met candidates at every {@code java/} or {@code org/} of a class's names.
     */
    private final long[] prefixKeys;

    private final int[][] prefixMarkers;
    private final int prefixShift;
    /** Markers shorter than eight bytes, by their first byte (usually none). */
    private final int[][] shortByFirstByte = new int[256][];

    private boolean hasShortMarkers;
    /**
     * Per {@link #block} of two bytes, how far a window of {@link #PREFIX} bytes ending with them may move on without
     * passing the start of a marker: {@code PREFIX - 1} for a block no marker's prefix holds, 0 where one ends.
     */
    private final byte[] skips = new byte[SKIPS];

    private static final int SKIPS = 4096;

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
        int slots = Integer.highestOneBit(Math.max(1, distinct.size()) * 4 - 1) << 1;
        this.prefixKeys = new long[slots];
        this.prefixMarkers = new int[slots][];
        this.prefixShift = 64 - Integer.numberOfTrailingZeros(slots);
        Arrays.fill(skips, (byte) (PREFIX - 1));
        for (int i = 0; i < distinct.size(); i++) {
            markers[i] = distinct.get(i).getBytes(StandardCharsets.UTF_8);
            if (markers[i].length >= PREFIX) {
                long key = prefix(markers[i]);
                int slot = slot(key);
                while (prefixKeys[slot] != 0 && prefixKeys[slot] != key) {
                    slot = (slot + 1) & (slots - 1);
                }
                prefixKeys[slot] = key;
                prefixMarkers[slot] = append(prefixMarkers[slot], i);
                for (int end = 1; end < PREFIX; end++) {
                    int b = block(markers[i][end - 1], markers[i][end]);
                    skips[b] = (byte) Math.min(skips[b], PREFIX - 1 - end);
                }
            } else {
                int first = markers[i][0] & 0xff;
                shortByFirstByte[first] = append(shortByFirstByte[first], i);
                hasShortMarkers = true;
            }
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

    /**
     * The Wu-Manber multi-pattern search over the markers' first {@link #PREFIX} bytes: the two bytes that end a
     * window say how far the window may move without passing a marker's start ({@link #skips}); only where they may
     * end one is the window looked up. Most windows of a class's names move on by seven bytes.
     */
    private long scan(byte[] bytes, int from, int to, long found) {
        int mask = prefixKeys.length - 1;
        int i = from + PREFIX - 1;
        while (i < to) {
            int skip = skips[block(bytes[i - 1], bytes[i])];
            if (skip > 0) {
                i += skip;
                continue;
            }
            long window = 0;
            for (int k = i - PREFIX + 1; k <= i; k++) {
                window = (window << 8) | (bytes[k] & 0xff);
            }
            long key;
            for (int slot = slot(window); (key = prefixKeys[slot]) != 0; slot = (slot + 1) & mask) {
                if (key == window) {
                    found = matches(bytes, i - PREFIX + 1, to, prefixMarkers[slot], found);
                    break;
                }
            }
            i++;
        }
        if (hasShortMarkers) {
            for (int k = from; k < to; k++) {
                int[] starting = shortByFirstByte[bytes[k] & 0xff];
                if (starting != null) {
                    found = matches(bytes, k, to, starting, found);
                }
            }
        }
        return found;
    }

    /** A hash of two consecutive bytes into {@link #skips}; two blocks that share one only skip less. */
    private static int block(byte first, byte second) {
        return ((first & 0xff) << 4 ^ (second & 0xff)) & (SKIPS - 1);
    }

    /** {@code found} with the families of those of the markers that are at {@code at}. */
    private long matches(byte[] bytes, int at, int to, int[] candidates, long found) {
        for (int m : candidates) {
            if ((found & owners[m]) != owners[m] && matchesAt(bytes, at, to, markers[m])) {
                found |= owners[m];
            }
        }
        return found;
    }

    private static final int PREFIX = 8;

    /** A marker's first eight bytes, as the scan's window holds them. */
    private static long prefix(byte[] marker) {
        long key = 0;
        for (int i = 0; i < PREFIX; i++) {
            key = (key << 8) | (marker[i] & 0xff);
        }
        return key;
    }

    private int slot(long key) {
        return (int) ((key * 0x9E3779B97F4A7C15L) >>> prefixShift);
    }

    private static int[] append(int[] indices, int index) {
        int[] grown = indices == null ? new int[1] : Arrays.copyOf(indices, indices.length + 1);
        grown[grown.length - 1] = index;
        return grown;
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
