package dev.vc4j.agent;

import dev.vc4j.spi.StreamChunk;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/** Reads of a process's output from a guest that answers at once with nothing. */
class GrpcProcessIoTest {
    @Test
    void emptyAnswersAtOnceArePacedNotSpunOn() throws Exception {
        ContainerRpcs rpcs = mock(ContainerRpcs.class);
        StreamChunk empty = new StreamChunk(new byte[0], false);
        when(rpcs.read(anyBoolean(), anyString(), anyString(), anyInt(), any()))
                .thenReturn(empty, empty, empty, empty, empty, empty, new StreamChunk(new byte[0], true));
        GrpcProcessIo io = new GrpcProcessIo(rpcs, "c1", "e1", Duration.ofSeconds(10));
        long started = System.nanoTime();
        assertEquals(-1, io.stdout().read());
        long tookMs = (System.nanoTime() - started) / 1_000_000;
        // waits of 10, 20, 40, 80, 160 and 320 ms after the six empty answers
        assertTrue(tookMs >= 600, "read answered after " + tookMs + " ms");
        verify(rpcs, times(7)).read(anyBoolean(), anyString(), anyString(), anyInt(), any());
    }
}
