package dev.coda.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import org.junit.jupiter.api.Test;

class FreePortsTest {

    @Test
    void aPortTakenIsBelowTheEphemeralRangeAndCanBeBoundOnLoopback() throws IOException {
        int port = FreePorts.take();

        assertThat(port).isBetween(10_000, FreePorts.ephemeralStart() - 1);
        try (var socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            assertThat(socket.getLocalPort()).isEqualTo(port);
        }
    }

    @Test
    void anOutgoingConnectionsLocalPortComesFromTheEphemeralRangeSoItNeverTakesOneHandedOut() throws IOException {
        try (var listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             var client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
            assertThat(client.getLocalPort()).isGreaterThanOrEqualTo(FreePorts.ephemeralStart());
        }
    }
}
