package io.leakwatch.bench;

import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.sql.DataSource;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.description.modifier.Visibility;
import net.bytebuddy.description.type.TypeDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.FixedValue;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import net.bytebuddy.implementation.StubMethod;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The class-loading pattern of a JDBC-heavy test suite, as one process: a library's and its tests' classes that name
 * {@code java.sql} (DAOs, helpers: they name JDBC types without implementing them), the driver-like classes that
 * implement {@code Connection}, {@code PreparedStatement}, {@code ResultSet}, {@code DataSource} (some through an abstract
 * base class), Mockito-like mocks of the JDBC interfaces generated at run time (each in its own class loader, as
 * Mockito's subclass mock maker does for a mocked interface), and JDK proxies of them (as Tomcat JDBC's connections
 * are). Each class is loaded and one of its methods called.
 *
 * <p>{@code Suite generate DIR N} writes the library's N units of class files (one DAO and one JDBC implementation
 * each) to DIR, once, like a jar on a test class path; {@code Suite run N} (DIR on the class path) loads them, makes
 * N/4 mocks and N/8 proxies, calls them and prints {@code done}. {@link BenchRunner} times the whole process with and
 * without the agent.
 */
public final class Suite {
    static final String PACKAGE = "io.leakwatch.bench.suite.";
    private static final Class<?>[] IMPLEMENTED = {
        Connection.class, PreparedStatement.class, ResultSet.class, DataSource.class
    };
    private static final Class<?>[] MOCKED = {
        Connection.class,
        PreparedStatement.class,
        Statement.class,
        ResultSet.class,
        DataSource.class,
        DatabaseMetaData.class
    };

    private Suite() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("generate")) {
            generate(Paths.get(args[1]), Integer.parseInt(args[2]));
            return;
        }
        if (args.length != 2 || !args[0].equals("run")) {
            System.err.println("usage: Suite generate DIR N | Suite run N");
            System.exit(2);
        }
        int n = Integer.parseInt(args[1]);
        long calls = run(n);
        done(calls);
    }

    /**
     * The last line of a suite program, which {@link BenchRunner} reads: {@code done <result> <CPU ns>}, the process's
     * CPU time so far, every thread's (JIT and GC included).
     */
    static void done(long result) {
        long cpu = ProcessHandle.current()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(-1L);
        System.out.println("done " + result + " " + cpu);
    }

    /** The library: per unit a DAO naming java.sql types and one JDBC implementation, a quarter of them via a base. */
    static void generate(Path dir, int n) throws IOException {
        ByteBuddy bb = new ByteBuddy();
        TypeDescription[] bases = new TypeDescription[IMPLEMENTED.length];
        for (int t = 0; t < IMPLEMENTED.length; t++) {
            DynamicType.Unloaded<?> base = bb.subclass(Object.class)
                    .implement(IMPLEMENTED[t])
                    .modifiers(Modifier.PUBLIC | Modifier.ABSTRACT)
                    .name(PACKAGE + "Base" + IMPLEMENTED[t].getSimpleName())
                    .make();
            save(dir, base);
            bases[t] = base.getTypeDescription();
        }
        for (int i = 0; i < n; i++) {
            save(
                    dir,
                    bb.subclass(Object.class)
                            .name(PACKAGE + "Dao" + i)
                            .defineMethod("count", int.class, Visibility.PUBLIC)
                            .withParameters(Connection.class, String.class)
                            .throwing(SQLException.class)
                            .intercept(FixedValue.value(i))
                            .make());
            int t = i % IMPLEMENTED.length;
            DynamicType.Builder<?> impl = (i / IMPLEMENTED.length) % 4 == 0
                    ? bb.subclass(bases[t])
                    : bb.subclass(Object.class).implement(IMPLEMENTED[t]);
            save(
                    dir,
                    impl.name(PACKAGE + IMPLEMENTED[t].getSimpleName() + i)
                            .method(ElementMatchers.isAbstract())
                            .intercept(StubMethod.INSTANCE)
                            .make());
        }
    }

    private static void save(Path dir, DynamicType.Unloaded<?> type) throws IOException {
        Path file = dir.resolve(type.getTypeDescription().getName().replace('.', '/') + ".class");
        Files.createDirectories(file.getParent());
        Files.write(file, type.getBytes());
    }

    static long run(int n) throws Exception {
        ClassLoader loader = Suite.class.getClassLoader();
        long calls = 0;
        for (int i = 0; i < n; i++) {
            Object dao = loader.loadClass(PACKAGE + "Dao" + i).getConstructor().newInstance();
            calls += (Integer) dao.getClass()
                    .getMethod("count", Connection.class, String.class)
                    .invoke(dao, null, "x");
            Class<?> type = IMPLEMENTED[i % IMPLEMENTED.length];
            calls += use(loader.loadClass(PACKAGE + type.getSimpleName() + i)
                    .getConstructor()
                    .newInstance());
        }
        InvocationHandler answers = new Answers();
        ByteBuddy bb = new ByteBuddy();
        for (int i = 0; i < n / 4; i++) {
            Class<?> type = MOCKED[i % MOCKED.length];
            // Mockito's subclass mock maker: a class per mocked type and settings, in a loader of its own
            Class<?> mock = bb.subclass(Object.class)
                    .implement(type)
                    .name(type.getName().replace("java.", "codegen.java.") + "$MockitoMock$" + i)
                    .method(ElementMatchers.not(ElementMatchers.isDeclaredBy(Object.class)))
                    .intercept(InvocationHandlerAdapter.of(answers))
                    .make()
                    .load(loader, ClassLoadingStrategy.Default.WRAPPER)
                    .getLoaded();
            calls += use(mock.getConstructor().newInstance());
        }
        for (int i = 0; i < n / 8; i++) {
            Class<?> type = MOCKED[i % MOCKED.length];
            // a new loader per proxy, so each is a new proxy class, as in forked test classes with their own pools
            ClassLoader own = new ClassLoader(loader) {};
            calls += use(Proxy.newProxyInstance(own, new Class<?>[] {type}, answers));
        }
        return calls;
    }

    /** One call on the object, as a test would make; the stubs return null, 0 or false. */
    private static long use(Object o) throws SQLException {
        if (o instanceof Connection c) {
            Statement s = c.createStatement();
            c.close();
            return s == null ? 1 : 2;
        }
        if (o instanceof PreparedStatement s) {
            ResultSet r = s.executeQuery();
            s.close();
            return r == null ? 1 : 2;
        }
        if (o instanceof Statement s) {
            ResultSet r = s.executeQuery("select 1");
            s.close();
            return r == null ? 1 : 2;
        }
        if (o instanceof ResultSet r) {
            boolean next = r.next();
            r.close();
            return next ? 2 : 1;
        }
        if (o instanceof DataSource d) {
            return d.getConnection() == null ? 1 : 2;
        }
        if (o instanceof DatabaseMetaData m) {
            return m.getTables(null, null, "%", null) == null ? 1 : 2;
        }
        throw new IllegalStateException("unexpected " + o.getClass());
    }

    /** What an unstubbed mock answers: null, 0 or false. */
    private static final class Answers implements InvocationHandler {
        private static final Map<Class<?>, Object> ZERO = new ConcurrentHashMap<>(Map.of(
                boolean.class,
                false,
                int.class,
                0,
                long.class,
                0L,
                short.class,
                (short) 0,
                byte.class,
                (byte) 0,
                double.class,
                0d,
                float.class,
                0f,
                char.class,
                (char) 0));

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) {
            if (method.getName().equals("hashCode") && method.getParameterCount() == 0) {
                return System.identityHashCode(proxy);
            }
            if (method.getName().equals("equals") && method.getParameterCount() == 1) {
                return proxy == args[0];
            }
            if (method.getName().equals("toString") && method.getParameterCount() == 0) {
                return "mock";
            }
            return ZERO.get(method.getReturnType());
        }
    }
}
