package dev.vc4j.spi;

/** A held sandbox lock; closing releases it. Not shared between threads. */
public interface SandboxLock extends AutoCloseable {
    boolean exclusive();

    @Override
    void close();
}
