package dev.vc4j.qemu;

import dev.vc4j.HypervisorException;

import java.util.BitSet;

/**
 * Drive numbers in use in one VM. An index must stay unique for the VM's whole life, across processes
 * that attach to it, so a persisted implementation belongs to the sandbox store; {@link #inMemory} serves
 * one process.
 */
interface BlockIndices {
    /** The lowest free index, now taken. */
    int allocate();

    void release(int index);

    /** SCSI addresses 256 targets of 256 LUNs; virtio-blk drives are bounded far lower by their root ports. */
    int LIMIT = 256 * 256;

    static BlockIndices inMemory() {
        BitSet used = new BitSet();
        return new BlockIndices() {
            @Override
            public synchronized int allocate() {
                int index = used.nextClearBit(0);
                if (index >= LIMIT) {
                    throw new HypervisorException("all " + LIMIT + " drive indices of this VM are in use");
                }
                used.set(index);
                return index;
            }

            @Override
            public synchronized void release(int index) {
                used.clear(index);
            }
        };
    }
}
