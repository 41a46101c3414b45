package io.leakwatch.demo;

import static io.leakwatch.demo.JdbcScenarios.scenario;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A hand-written client on a plain java.net.Socket: the socket family, under every library. */
final class SocketScenarios {
    private SocketScenarios() {}

    static List<Scenario> all() {
        return List.of(scenario(
                "socket-dropped",
                "java.net.Socket: a raw client socket read from and dropped without close()",
                () -> System.out.println("    " + statusLine(connect())),
                () -> {
                    try (Socket socket = connect()) {
                        System.out.println("    " + statusLine(socket));
                    }
                }));
    }

    private static Socket connect() throws IOException {
        URI uri = URI.create(DemoHttpServer.get().url("/ok"));
        Socket socket = new Socket(uri.getHost(), uri.getPort());
        socket.setSoTimeout(5000);
        return socket;
    }

    /** Sends a keep-alive GET and reads the status line, leaving the connection open as a client keeping it would. */
    private static String statusLine(Socket socket) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write("GET /ok HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
    }
}
