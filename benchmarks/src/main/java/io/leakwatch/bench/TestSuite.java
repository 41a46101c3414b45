package io.leakwatch.bench;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.dynamic.loading.ClassLoadingStrategy;
import net.bytebuddy.implementation.InvocationHandlerAdapter;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * A JDBC-heavy test suite as one process: N test classes, each with its own DAO class (both naming the JDBC types),
 * run the way a test runner runs them, some 60 frames deep. Each test borrows a connection from a HikariCP pool over an
 * in-memory H2 database, creates its table, inserts and reads rows through its DAO with prepared statements, and
 * exercises a piece of code against Mockito-like mocks of {@code Connection}, {@code PreparedStatement} and
 * {@code ResultSet}. The mock classes are generated once per mocked type, as Mockito's type cache does; the driver and
 * pool are the real ones. Where {@link Suite} is the class-loading worst case (thousands of JDBC implementations), this
 * is the shape of a real suite: thousands of JDBC-touching classes, each doing a test's work.
 *
 * <p>{@code TestSuite generate DIR N} writes and compiles the N tests and DAOs to DIR, once; {@code TestSuite run N}
 * (DIR on the class path) runs them and prints {@code done <checksum> <process CPU ns>}.
 */
public final class TestSuite {
    static final String PACKAGE = "io.leakwatch.bench.tests.";
    private static final int DEPTH = 60;

    private TestSuite() {}

    public static void main(String[] args) throws Exception {
        if (args.length == 3 && args[0].equals("generate")) {
            generate(Paths.get(args[1]), Integer.parseInt(args[2]));
            return;
        }
        if (args.length != 2 || !args[0].equals("run")) {
            System.err.println("usage: TestSuite generate DIR N | TestSuite run N");
            System.exit(2);
        }
        Suite.done(run(Integer.parseInt(args[1])));
    }

    static void generate(Path dir, int n) throws IOException {
        Path src = dir.resolve("src");
        String pkg = PACKAGE.substring(0, PACKAGE.length() - 1);
        Path pkgDir = Files.createDirectories(src.resolve(pkg.replace('.', '/')));
        List<String> files = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Path dao = pkgDir.resolve("OrderDao" + i + ".java");
            Files.writeString(dao, """
                    package %1$s;

                    import java.sql.*;

                    public final class OrderDao%2$d {
                        private final Connection connection;

                        public OrderDao%2$d(Connection connection) {
                            this.connection = connection;
                        }

                        public void create() throws SQLException {
                            try (Statement s = connection.createStatement()) {
                                s.execute("create table if not exists orders%2$d (id int primary key, total int)");
                                s.execute("delete from orders%2$d");
                            }
                        }

                        public void insert(int id, int total) throws SQLException {
                            try (PreparedStatement ps = connection.prepareStatement("insert into orders%2$d values (?, ?)")) {
                                ps.setInt(1, id);
                                ps.setInt(2, total);
                                ps.executeUpdate();
                            }
                        }

                        public long sum() throws SQLException {
                            try (PreparedStatement ps = connection.prepareStatement("select total from orders%2$d where id >= ?")) {
                                ps.setInt(1, 0);
                                long sum = 0;
                                try (ResultSet rs = ps.executeQuery()) {
                                    while (rs.next()) {
                                        sum += rs.getInt(1);
                                    }
                                }
                                return sum;
                            }
                        }
                    }
                    """.formatted(pkg, i), StandardCharsets.UTF_8);
            Path test = pkgDir.resolve("OrderDao" + i + "Test.java");
            Files.writeString(test, """
                    package %1$s;

                    import java.sql.*;
                    import javax.sql.DataSource;

                    public final class OrderDao%2$dTest {
                        public static long run(DataSource pool, Connection mockConnection) throws SQLException {
                            long result;
                            try (Connection c = pool.getConnection()) {
                                OrderDao%2$d dao = new OrderDao%2$d(c);
                                dao.create();
                                for (int id = 0; id < 3; id++) {
                                    dao.insert(id, %2$d + id);
                                }
                                result = dao.sum();
                            }
                            // a unit test of the same DAO against mocks: the stubs answer null, 0 or false
                            OrderDao%2$d mocked = new OrderDao%2$d(mockConnection);
                            try {
                                mocked.sum();
                            } catch (NullPointerException expected) {
                                result++;
                            }
                            return result;
                        }
                    }
                    """.formatted(pkg, i), StandardCharsets.UTF_8);
            files.add(dao.toString());
            files.add(test.toString());
        }
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        List<String> options = new ArrayList<>(List.of("-d", dir.toString(), "-g", "--release", "17"));
        options.addAll(files);
        int status = javac.run(null, null, null, options.toArray(new String[0]));
        if (status != 0) {
            throw new IllegalStateException("compiling the generated tests failed: " + status);
        }
    }

    static long run(int n) throws Exception {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl("jdbc:h2:mem:suite;DB_CLOSE_DELAY=-1");
        config.setMaximumPoolSize(2);
        long checksum = 0;
        try (HikariDataSource pool = new HikariDataSource(config)) {
            Connection mock = mock(Connection.class);
            mock(PreparedStatement.class);
            mock(ResultSet.class);
            mock(Statement.class);
            mock(DatabaseMetaData.class);
            mock(DataSource.class);
            ClassLoader loader = TestSuite.class.getClassLoader();
            for (int i = 0; i < n; i++) {
                Method test = loader.loadClass(PACKAGE + "OrderDao" + i + "Test")
                        .getMethod("run", DataSource.class, Connection.class);
                checksum += deep(DEPTH, test, pool, mock);
            }
        }
        return checksum;
    }

    /** A test runner's depth: the test method is called this many frames down, as JUnit's engine calls it. */
    private static long deep(int frames, Method test, DataSource pool, Connection mock) throws Exception {
        if (frames > 0) {
            return deep(frames - 1, test, pool, mock);
        }
        return (Long) test.invoke(null, pool, mock);
    }

    private static <T> T mock(Class<T> type) throws ReflectiveOperationException {
        Class<?> mockClass = new ByteBuddy()
                .subclass(Object.class)
                .implement(type)
                .name(type.getName().replace("java.", "codegen.java.") + "$MockitoMock$suite")
                .method(ElementMatchers.not(ElementMatchers.isDeclaredBy(Object.class)))
                .intercept(InvocationHandlerAdapter.of((proxy, method, args) -> zero(method.getReturnType())))
                .make()
                .load(TestSuite.class.getClassLoader(), ClassLoadingStrategy.Default.WRAPPER)
                .getLoaded();
        return type.cast(mockClass.getConstructor().newInstance());
    }

    /** What an unstubbed mock answers: null, or the primitive's zero. */
    private static Object zero(Class<?> type) {
        return type.isPrimitive() && type != void.class
                ? java.lang.reflect.Array.get(java.lang.reflect.Array.newInstance(type, 1), 0)
                : null;
    }
}
