package dev.vc4j.agent;

/**
 * The decoder's dynamic table (RFC 7541 sections 2.3.2 and 4): the fields the peer asked to index, newest first,
 * evicted oldest first to keep the sum of their sizes within the maximum size.
 */
final class HpackDynamicTable {
    private static final int ENTRY_OVERHEAD = 32;

    /**
     * A ring holding the entries: entries take at least ENTRY_OVERHEAD octets each, so no more than
     * capacity / ENTRY_OVERHEAD of them ever fit.
     */
    private final HttpHeader[] ring;

    private int newest = -1;
    private int count;
    private long size;
    private int maxSize;

    /** A table whose maximum size starts at {@code capacity} and can be lowered and raised up to it. */
    HpackDynamicTable(int capacity) {
        this.ring = new HttpHeader[capacity / ENTRY_OVERHEAD];
        this.maxSize = capacity;
    }

    int length() {
        return count;
    }

    /** The entry at {@code index}, 1 for the newest to {@link #length()} for the oldest. */
    HttpHeader get(int index) {
        return ring[Math.floorMod(newest - (index - 1), ring.length)];
    }

    /**
     * Adds {@code field} as the newest entry, first evicting the oldest ones until it fits. A field larger than the
     * maximum size empties the table and is not added (section 4.4).
     */
    void add(HttpHeader field) {
        long fieldSize = sizeOf(field);
        if (fieldSize > maxSize) {
            evictDownTo(0);
            return;
        }
        evictDownTo(maxSize - fieldSize);
        newest = (newest + 1) % ring.length;
        ring[newest] = field;
        count++;
        size += fieldSize;
    }

    /** A dynamic table size update (section 6.3); the caller has checked it against the capacity. */
    void setMaxSize(int newMaxSize) {
        maxSize = newMaxSize;
        evictDownTo(newMaxSize);
    }

    /**
     * A field's size as section 4.1 counts it for the table, and as HTTP/2 counts it for a header list's size
     * (RFC 7540 section 6.5.2): its name and value octets plus 32.
     */
    static long sizeOf(HttpHeader field) {
        return (long) field.name().length() + field.value().length() + ENTRY_OVERHEAD;
    }

    private void evictDownTo(long target) {
        while (size > target) {
            int oldest = Math.floorMod(newest - (count - 1), ring.length);
            HttpHeader evicted = ring[oldest];
            ring[oldest] = null;
            count--;
            size -= sizeOf(evicted);
        }
    }
}
