package io.leakwatch.agent.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import io.leakwatch.agent.model.CallDepth;
import io.leakwatch.agent.model.CallSites;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

class JdbcCallSitesTest {
    /** What each source call's "advice" saw: the method, the site it took, and the caller's real line. */
    private final List<String> seen = new ArrayList<>();

    private final Class<?> dao;

    JdbcCallSitesTest() throws Exception {
        byte[] original;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("callsites/Dao.class")) {
            original = in.readAllBytes();
        }
        byte[] marked = JdbcCallSites.mark(original);
        assertThat(marked).as("the class calls JDBC source methods").isNotNull();
        dao = new ClassLoader(getClass().getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                if (name.equals("callsites.Dao")) {
                    synchronized (getClassLoadingLock(name)) {
                        Class<?> c = findLoadedClass(name);
                        return c != null ? c : defineClass(name, marked, 0, marked.length);
                    }
                }
                return super.loadClass(name, resolve);
            }
        }.loadClass("callsites.Dao");
    }

    /** A JDBC object whose source methods do what the advice does on entering: take the mark for this receiver. */
    @SuppressWarnings("unchecked")
    private <T> T instrumented(Class<T> type, boolean advised) {
        Object[] self = new Object[1];
        self[0] = Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {type}, (proxy, m, args) -> {
            if (m.getDeclaringClass() == Object.class) {
                return m.getName().equals("hashCode")
                        ? System.identityHashCode(proxy)
                        : m.getName().equals("equals") && proxy == args[0];
            }
            Class<?> returns = m.getReturnType();
            if (advised) {
                CallDepth depth = CallDepth.enteredAt(JdbcTracker.SLOT, proxy);
                int site = depth.site(JdbcTracker.SLOT);
                depth.exit(JdbcTracker.SLOT);
                seen.add(m.getName() + (args == null ? "" : Arrays.toString(args)) + " " + CallSites.describe(site)
                        + " " + daoFrame());
            } else {
                seen.add(m.getName() + " unadvised");
            }
            return returns.isInterface() ? instrumented(returns, advised) : null;
        });
        return (T) self[0];
    }

    private static String daoFrame() {
        for (StackTraceElement e : new Throwable().getStackTrace()) {
            if (e.getClassName().equals("callsites.Dao")) {
                return e.toString();
            }
        }
        return "(no Dao frame)";
    }

    private Object call(String method, Class<?> type, Object arg) throws Exception {
        Method m = dao.getMethod(method, type);
        try {
            return m.invoke(null, arg);
        } catch (InvocationTargetException e) {
            throw (Exception) e.getCause();
        }
    }

    private void assertSiteIsTheCallersLine() {
        for (String s : seen) {
            String[] parts = s.split(" ");
            assertThat(parts[parts.length - 2]).as(s).isEqualTo(parts[parts.length - 1]);
        }
    }

    @Test
    void marksEachSourceCallWithItsOwnLineAndPassesTheArgumentsThrough() throws Exception {
        DataSource ds = instrumented(DataSource.class, true);
        Connection c = instrumented(Connection.class, true);
        PreparedStatement ps = instrumented(PreparedStatement.class, true);
        assertThat(call("connect", DataSource.class, ds)).isInstanceOf(Connection.class);
        call("connectAs", DataSource.class, ds);
        call("prepare", Connection.class, c);
        call("prepareWithKeys", Connection.class, c);
        call("create", Connection.class, c);
        call("query", PreparedStatement.class, ps);
        call("chained", DataSource.class, ds);
        assertThat(seen).hasSize(9);
        assertThat(seen.get(0)).startsWith("getConnection callsites.Dao.connect(Dao.java:");
        assertThat(seen.get(1)).startsWith("getConnection[user, secret] callsites.Dao.connectAs(Dao.java:");
        assertThat(seen.get(2)).startsWith("prepareStatement[SELECT 1] callsites.Dao.prepare(Dao.java:");
        assertThat(seen.get(3)).startsWith("prepareStatement[INSERT, " + Statement.RETURN_GENERATED_KEYS + "] ");
        assertThat(seen.get(4))
                .startsWith("createStatement[" + ResultSet.TYPE_FORWARD_ONLY + ", " + ResultSet.CONCUR_READ_ONLY
                        + "] callsites.Dao.create(");
        assertThat(seen.get(5)).startsWith("executeQuery callsites.Dao.query(");
        assertThat(seen.subList(6, 9))
                .satisfiesExactly(
                        s -> assertThat(s).startsWith("getConnection callsites.Dao.chained("),
                        s -> assertThat(s).startsWith("prepareStatement[SELECT 2] callsites.Dao.chained("),
                        s -> assertThat(s).startsWith("executeQuery callsites.Dao.chained("));
        assertSiteIsTheCallersLine();
    }

    @Test
    void aCallItCannotMarkHasNoSite() throws Exception {
        call("prepareScrollable", Connection.class, instrumented(Connection.class, true));
        assertThat(seen).singleElement().asString().contains(" null callsites.Dao.prepareScrollable(Dao.java:");
    }

    @Test
    void aMarkLeftByAMockIsNotTakenByTheNextSourceCall() throws Exception {
        call("connect", DataSource.class, instrumented(DataSource.class, false)); // a mock: no advice takes the mark
        DataSource real = instrumented(DataSource.class, true);
        // An unmarked call (from a class not transformed), on a receiver that is instrumented.
        real.getConnection();
        assertThat(seen.get(1)).startsWith("getConnection null ");
    }

    @Test
    void aMarkLeftByACallThatThrewIsNotTakenByTheNextSourceCall() throws Exception {
        DataSource throwing = (DataSource) Proxy.newProxyInstance(
                getClass().getClassLoader(), new Class<?>[] {DataSource.class}, (proxy, m, args) -> {
                    throw new java.sql.SQLException("refused");
                });
        try {
            call("connect", DataSource.class, throwing);
        } catch (java.sql.SQLException expected) {
            // the mark stays behind
        }
        instrumented(DataSource.class, true).getConnection();
        assertThat(seen).singleElement().asString().startsWith("getConnection null ");
    }

    @Test
    void classesWithoutJdbcSourceCallsAreLeftAlone() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("callsites/Caller.class")) {
            bytes = in.readAllBytes();
        }
        assertThat(JdbcCallSites.mark(bytes)).isNull();
        byte[] declaring;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("callsites/Declaring.class")) {
            declaring = in.readAllBytes();
        }
        assertThat(new String(declaring, java.nio.charset.StandardCharsets.ISO_8859_1))
                .as("names the marker the class-load scan routes by")
                .contains(JdbcCallSites.MARKER);
        assertThat(JdbcCallSites.callsSource(new ClassReader(declaring), declaring))
                .as("but calls no source method: no ASM pass")
                .isFalse();
        assertThat(JdbcCallSites.mark(declaring)).isNull();
        assertThat(JdbcCallSites.markable("getConnection", "()Ljava/sql/Connection;"))
                .isTrue();
        assertThat(JdbcCallSites.markable("getConnection", "()Ljava/lang/Object;"))
                .isFalse();
        assertThat(JdbcCallSites.markable("getStatement", "()Ljava/sql/Statement;"))
                .isFalse();
        assertThat(JdbcCallSites.markable("prepareStatement", "(Ljava/lang/String;III)Ljava/sql/PreparedStatement;"))
                .isFalse();
        assertThat(JdbcCallSites.markable("prepareStatement", "(Ljava/lang/String;[I)Ljava/sql/PreparedStatement;"))
                .isTrue();
    }

    @Test
    void onlyTheMethodsThatCallASourceAreReadTheOthersAreCopied() throws IOException {
        byte[] bytes;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("callsites/Dao.class")) {
            bytes = in.readAllBytes();
        }
        ClassReader reader = new ClassReader(bytes);
        boolean[] calling = JdbcCallSites.calling(reader, bytes, JdbcCallSites.sources(reader, bytes));
        List<String> found = new ArrayList<>();
        List<String> methods = new ArrayList<>(marks(bytes).keySet());
        assertThat(calling).hasSameSizeAs(methods);
        for (int i = 0; i < calling.length; i++) {
            if (calling[i]) {
                found.add(methods.get(i));
            }
        }
        assertThat(found)
                .containsExactlyInAnyOrder(
                        "connect", "connectAs", "prepare", "prepareWithKeys", "create", "query", "chained");
        Map<String, Integer> marked = marks(JdbcCallSites.mark(bytes));
        marked.values().removeIf(n -> n == 0);
        assertThat(marked)
                .as("the marked calls are in those methods, and only there")
                .containsOnlyKeys(found)
                .containsEntry("chained", 3);
    }

    /** Per method, in the class file's order, how many CallSites.mark calls it makes. */
    private static Map<String, Integer> marks(byte[] bytes) {
        Map<String, Integer> marks = new LinkedHashMap<>();
        new ClassReader(bytes)
                .accept(
                        new ClassVisitor(Opcodes.ASM9) {
                            @Override
                            public MethodVisitor visitMethod(
                                    int access, String name, String desc, String signature, String[] exceptions) {
                                marks.put(name, 0);
                                return new MethodVisitor(Opcodes.ASM9) {
                                    @Override
                                    public void visitMethodInsn(
                                            int opcode, String owner, String method, String d, boolean itf) {
                                        if (owner.endsWith("/CallSites") && method.equals("mark")) {
                                            marks.merge(name, 1, Integer::sum);
                                        }
                                    }
                                };
                            }
                        },
                        0);
        return marks;
    }
}
