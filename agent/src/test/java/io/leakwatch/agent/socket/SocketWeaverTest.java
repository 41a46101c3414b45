package io.leakwatch.agent.socket;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import net.bytebuddy.jar.asm.ClassReader;
import net.bytebuddy.jar.asm.ClassVisitor;
import net.bytebuddy.jar.asm.MethodVisitor;
import net.bytebuddy.jar.asm.Opcodes;
import org.junit.jupiter.api.Test;

class SocketWeaverTest {
    private static byte[] jdkClass(String name) throws IOException {
        try (InputStream in = ClassLoader.getSystemResourceAsStream(name + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Per method of the class: its name and the tracker calls and returns in it, in order. */
    private static List<String> calls(byte[] bytes, String method) {
        List<String> seen = new ArrayList<>();
        new ClassReader(bytes)
                .accept(
                        new ClassVisitor(Opcodes.ASM9) {
                            @Override
                            public MethodVisitor visitMethod(
                                    int access, String name, String descriptor, String signature, String[] ex) {
                                if (!name.equals(method)) {
                                    return null;
                                }
                                return new MethodVisitor(Opcodes.ASM9) {
                                    @Override
                                    public void visitMethodInsn(
                                            int opcode, String owner, String m, String d, boolean itf) {
                                        if (owner.endsWith("SocketTracker")) {
                                            seen.add(m);
                                        }
                                    }

                                    @Override
                                    public void visitInsn(int opcode) {
                                        if (opcode == Opcodes.RETURN || opcode == Opcodes.IRETURN) {
                                            seen.add("return");
                                        }
                                    }
                                };
                            }
                        },
                        0);
        return seen;
    }

    @Test
    void everyNormalReturnOfConnectReportsTheConnectionAndCloseReportsFirst() throws IOException {
        for (String[] m : new String[][] {
            {"java/net/Socket", "connect", "close"},
            {"sun/nio/ch/SocketChannelImpl", "connect", "implCloseSelectableChannel"}
        }) {
            byte[] original = jdkClass(m[0]);
            byte[] woven = new SocketWeaver().transform(null, m[0], null, null, original);
            assertThat(woven).as(m[0]).isNotNull();
            List<String> connect = calls(woven, m[1]);
            long returns =
                    calls(original, m[1]).stream().filter("return"::equals).count();
            assertThat(returns).as(m[0] + " connect returns").isPositive();
            // each return (of the woven overload) is preceded by the call; other overloads are untouched
            assertThat(connect.stream().filter("connected"::equals).count())
                    .as(m[0] + ": " + connect)
                    .isPositive();
            for (int i = 0; i < connect.size(); i++) {
                if (connect.get(i).equals("connected")) {
                    assertThat(connect.get(i + 1)).isEqualTo("return");
                }
            }
            assertThat(calls(woven, m[2])).as(m[0] + " " + m[2]).startsWith("closed");
        }
    }

    @Test
    void classesOfOtherLoadersAndOtherClassesAreLeftAlone() throws IOException {
        byte[] socket = jdkClass("java/net/Socket");
        assertThat(new SocketWeaver().transform(getClass().getClassLoader(), "java/net/Socket", null, null, socket))
                .isNull();
        assertThat(new SocketWeaver()
                        .transform(null, "java/net/SocketImpl", null, null, jdkClass("java/net/SocketImpl")))
                .isNull();
    }
}
