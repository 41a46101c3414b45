package io.leakwatch.it.diag;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Client sockets leaked, closed and kept, against an in-process loopback server; run by {@link SocketIT}. */
public final class SocketApp {
    static final int N = 20;
    private static final List<Object> KEPT = new ArrayList<>();
    private static InetSocketAddress server;

    private SocketApp() {
    }

    public static void main(String[] args) throws Exception {
        server = startServer();
        // The JDK's first socket close opens a descriptor it keeps for good (Linux: the pre-close socket pair of the
        // NIO dispatcher); an unconnected channel opened and closed makes it now, before any mode counts descriptors.
        SocketChannel.open().close();
        for (String mode : args) {
            settle();
            switch (mode) {
  case "leak" -> 
leak();
  case "leak-channel" -> 
leakChannel();
  case "clean" -> 
clean();
  case "clean-channel" -> 
cleanChannel();
  case "kept" -> 
kept();
  case "jdbc-collected" -> 
jdbcCollected();
  default -> 
throw new IllegalArgumentException(mode);
}
        }
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(Long.getLong("hold", 600) / 5);
        }
        System.out.println("done");
    }

    /** Connected and dropped: each client socket's descriptor stays open until a GC lets the cleaner close it. */
    static void leak() throws Exception {
        long before = fds();
        for (int i = 0; i < N; i++) {
            Socket s = new Socket(server.getAddress(), server.getPort());
            s.getOutputStream().write('x');
        }
        System.out.println("leak fdGrowth=" + accepted(before));
    }

    static void leakChannel() throws Exception {
        long before = fds();
        for (int i = 0; i < N; i++) {
            SocketChannel.open(server);
        }
        System.out.println("leak-channel fdGrowth=" + accepted(before));
    }

    static void clean() throws Exception {
        long before = fds();
        for (int i = 0; i < N; i++) {
            try (Socket s = new Socket()) {
                s.connect(server, 1000);
                s.getOutputStream().write('x');
            }
        }
        System.out.println("clean fdGrowth=" + settledGrowth(before));
    }

    static void cleanChannel() throws Exception {
        long before = fds();
        for (int i = 0; i < N; i++) {
            try (SocketChannel c = SocketChannel.open()) {
                c.connect(server);
            }
        }
        System.out.println("clean-channel fdGrowth=" + settledGrowth(before));
    }

    /** A connection kept open for the process lifetime is correct code, whatever its age. */
    static void kept() throws Exception {
        KEPT.add(new Socket(server.getAddress(), server.getPort()));
    }

    /** A driver's socket belongs to its connection: the leak is the connection's, the socket is never its own. */
    static void jdbcCollected() throws Exception {
        Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/test", "postgres", "");
        c.createStatement().close();
    }

    /** Socket descriptors this process has open now (client and server ends). */
    static long fds() throws IOException {
        try (Stream<java.nio.file.Path> s = Files.list(Paths.get("/proc/self/fd"))) {
            return s.filter(fd -> {
                try {
                    return Files.readSymbolicLink(fd).toString().startsWith("socket:");
                } catch (IOException gone) {
                    return false;
                }
            }).count();
        }
    }

    /** Lets the previous mode's sockets be collected and their peers close, so that each mode starts from a steady count. */
    static void settle() throws Exception {
        System.gc();
        long deadline = System.currentTimeMillis() + 3000;
        long last = fds();
        while (System.currentTimeMillis() < deadline) {
            Thread.sleep(100);
            long now = fds();
            if (now == last) {
                return;
            }
            last = now;
        }
    }

    /** The growth once the server accepted every connection (up to 1 s): both ends of each, held by nobody but the leak. */
    static long accepted(long before) throws Exception {
        long deadline = System.currentTimeMillis() + 1000;
        long growth = fds() - before;
        while (growth < 2 * N && System.currentTimeMillis() < deadline) {
            Thread.sleep(20);
            growth = fds() - before;
        }
        return growth;
    }

    /** The growth once the peers had time to close their ends (up to 2 s): 0 when nothing is left open. */
    static long settledGrowth(long before) throws Exception {
        long deadline = System.currentTimeMillis() + 2000;
        long growth = fds() - before;
        while (growth > 0 && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
            growth = fds() - before;
        }
        return growth;
    }

    /** Accepts and reads each connection to its end on a daemon thread, then closes its side. */
    private static InetSocketAddress startServer() throws IOException {
        ServerSocket ss = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (true) {
                try {
                    Socket s = ss.accept();
                    Thread t = new Thread(() -> {
                        try (Socket peer = s; InputStream in = peer.getInputStream()) {
                            in.transferTo(java.io.OutputStream.nullOutputStream());
                        } catch (IOException ignored) {
                            // the client went away
                        }
                    }, "socket-app-peer");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "socket-app-server");
        acceptor.setDaemon(true);
        acceptor.start();
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), ss.getLocalPort());
    }
}
