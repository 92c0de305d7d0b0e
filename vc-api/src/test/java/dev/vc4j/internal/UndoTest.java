package dev.vc4j.internal;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

class UndoTest {
    @Test
    void runsStepsInReverseAndKeepsGoingPastAFailingOne() {
        List<String> ran = new ArrayList<>();
        Undo undo = new Undo();
        undo.push("first", () -> ran.add("first"));
        undo.push("second", () -> {
            throw new IllegalStateException("boom");
        });
        undo.push("third", () -> ran.add("third"));

        RuntimeException failure = new RuntimeException("create failed");
        undo.runAll(failure);

        assertEquals(List.of("third", "first"), ran);
        assertEquals(1, failure.getSuppressed().length);
        assertEquals("undo failed: second", failure.getSuppressed()[0].getMessage());
    }
}
