#!/bin/sh
# Installed as /etc/acpi/PWRF/00000080: busybox acpid runs it when the host presses the
# ACPI power button (QMP system_powerdown), which is how the host asks for a graceful stop.
echo 'vc4j-acpi: power button: powering off' > /dev/console
sync
exec poweroff -f
