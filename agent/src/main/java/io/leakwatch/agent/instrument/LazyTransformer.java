package io.leakwatch.agent.instrument;

import io.leakwatch.agent.model.Registry;
import io.leakwatch.agent.model.Stack;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.IllegalClassFormatException;
import java.nio.charset.StandardCharsets;
import java.security.ProtectionDomain;
import java.util.List;
import java.util.function.Supplier;

/**
 * Stands in front of Byte Buddy: a class whose bytes mention none of the families' markers (such as
 * {@code java/sql/}) cannot be instrumented, so it is passed over after a byte scan, and Byte Buddy itself is built
 * only when the first class that might be is loaded. An application that never touches an instrumented library
 * pays neither Byte Buddy's start-up nor its type matching.
 */
public final class LazyTransformer implements ClassFileTransformer {
    private final byte[][] markers;
    private final boolean[] firstBytes = new boolean[256];
    private final String[] jdkPrefixes;
    private final Supplier<ClassFileTransformer> factory;
    private final ClassLoader platform = ClassLoader.getPlatformClassLoader();
    private volatile ClassFileTransformer delegate;

    public LazyTransformer(List<String> markers, List<String> jdkPrefixes, Supplier<ClassFileTransformer> factory) {
        this.markers = new byte[markers.size()][];
        for (int i = 0; i < markers.size(); i++) {
            this.markers[i] = markers.get(i).getBytes(StandardCharsets.UTF_8);
            firstBytes[this.markers[i][0] & 0xff] = true;
        }
        this.jdkPrefixes = jdkPrefixes.stream().map(p -> p.replace('.', '/')).toArray(String[]::new);
        this.factory = factory;
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
        ClassFileTransformer d = relevant(loader, className, bytes) ? delegate() : null;
        return d == null ? null : d.transform(module, loader, className, redefined, domain, bytes);
    }

    @Override
    public byte[] transform(
            ClassLoader loader, String className, Class<?> redefined, ProtectionDomain domain, byte[] bytes)
            throws IllegalClassFormatException {
        ClassFileTransformer d = relevant(loader, className, bytes) ? delegate() : null;
        return d == null ? null : d.transform(loader, className, redefined, domain, bytes);
    }

    private boolean relevant(ClassLoader loader, String className, byte[] bytes) {
        if (className == null
                || className.startsWith("io/leakwatch/agent/")
                || className.startsWith("io/leakwatch/shaded/")) {
            return false;
        }
        if ((loader == null || loader == platform) && !Stack.startsWithAny(className, jdkPrefixes)) {
            return false;
        }
        return mentionsMarker(bytes);
    }

    boolean mentionsMarker(byte[] bytes) {
        for (int i = 0, n = bytes.length; i < n; i++) {
            if (firstBytes[bytes[i] & 0xff]) {
                for (byte[] marker : markers) {
                    if (matchesAt(bytes, i, marker)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static boolean matchesAt(byte[] bytes, int at, byte[] marker) {
        if (at + marker.length > bytes.length) {
            return false;
        }
        for (int j = 0; j < marker.length; j++) {
            if (bytes[at + j] != marker[j]) {
                return false;
            }
        }
        return true;
    }

    private ClassFileTransformer delegate() {
        ClassFileTransformer d = delegate;
        if (d == null) {
            synchronized (this) {
                if (delegate == null) {
                    try {
                        delegate = factory.get();
                    } catch (RuntimeException | LinkageError e) {
                        Registry.error(e);
                        delegate = new ClassFileTransformer() {};
                    }
                }
                d = delegate;
            }
        }
        return d;
    }
}
