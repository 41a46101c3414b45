package io.leakwatch.agent.instrument;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Reads from a library object the agent cannot link against (its classes see only the JDK): a no-argument method's
 * result or a field's value, looked up once per class. Anything that fails answers null; the caller decides.
 */
public final class Reflective {
    private static final ClassValue<ConcurrentHashMap<String, Optional<Method>>> METHODS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Optional<Method>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };
    private static final ClassValue<ConcurrentHashMap<String, Optional<Field>>> FIELDS = new ClassValue<>() {
        @Override
        protected ConcurrentHashMap<String, Optional<Field>> computeValue(Class<?> type) {
            return new ConcurrentHashMap<>();
        }
    };

    private Reflective() {}

    /** {@code target.name()}, or null if there is no such public method or it fails. */
    public static Object call(Object target, String name) {
        if (target == null) {
            return null;
        }
        Method m = METHODS.get(target.getClass())
                .computeIfAbsent(name, n -> Optional.ofNullable(method(target.getClass(), n)))
                .orElse(null);
        if (m == null) {
            return null;
        }
        try {
            return m.invoke(target);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    /**
     * One named no-argument getter, looked up once per class and called through a method handle: for reads that recur
     * on a hot path (a pool's in-use count at a borrow), where {@link #call} also looks the name up in a map and goes
     * through reflection. Found by the same rules as {@link #call}; keyed by class, so it keeps none alive.
     */
    public static final class Getter extends ClassValue<Optional<MethodHandle>> {
        private static final MethodType OBJECT_GETTER = MethodType.methodType(Object.class, Object.class);
        private final String name;

        public Getter(String name) {
            this.name = name;
        }

        @Override
        protected Optional<MethodHandle> computeValue(Class<?> type) {
            Method m = method(type, name);
            if (m == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(MethodHandles.lookup().unreflect(m).asType(OBJECT_GETTER));
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return Optional.empty();
            }
        }

        /** {@code target.name()}, or null if there is no such public method or it fails. */
        public Object call(Object target) {
            if (target == null) {
                return null;
            }
            MethodHandle m = get(target.getClass()).orElse(null);
            if (m == null) {
                return null;
            }
            try {
                return (Object) m.invokeExact(target);
            } catch (Throwable e) { // whatever the library's getter throws, the caller goes on
                return null;
            }
        }
    }

    /** The value of the field {@code name} declared by the object's class or a superclass; {@code absent} if none. */
    public static Object field(Object target, String name, Object absent) {
        Field f = FIELDS.get(target.getClass())
                .computeIfAbsent(name, n -> Optional.ofNullable(field(target.getClass(), n)))
                .orElse(null);
        if (f == null) {
            return absent;
        }
        try {
            return f.get(target);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return absent;
        }
    }

    private static Method method(Class<?> type, String name) {
        try {
            Method m = type.getMethod(name);
            // Public methods of non-public classes (the libraries' internals) are not invocable without this.
            return m.trySetAccessible() ? m : null;
        } catch (NoSuchMethodException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static Field field(Class<?> type, String name) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            try {
                Field f = c.getDeclaredField(name);
                return f.trySetAccessible() ? f : null;
            } catch (NoSuchFieldException e) {
                // try the superclass
            } catch (RuntimeException | LinkageError e) {
                return null;
            }
        }
        return null;
    }
}
