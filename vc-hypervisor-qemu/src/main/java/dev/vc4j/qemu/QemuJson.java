package dev.vc4j.qemu;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The QEMU driver's one JSON mapper: QMP's messages and arguments, qemu-img's output, the driver's records. */
final class QemuJson {
    static final ObjectMapper MAPPER = new ObjectMapper();

    private QemuJson() {}

    /** An empty object, for a QMP command's arguments. */
    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }
}
