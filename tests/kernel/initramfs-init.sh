#!/bin/sh
# PID 1 of the initramfs: load the modules the Debian kernel needs for the
# root disk (virtio, ext4) and for devbox (overlay), then switch to the
# root disk and run the test script from the second disk.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
for m in $(cat /modules/order); do
    insmod "/modules/$m.ko" || echo "INFO insmod $m failed"
done
n=0
while [ ! -b /dev/vdb ] && [ $n -lt 100 ]; do sleep 0.1; n=$((n + 1)); done
mount -t ext4 /dev/vda /newroot || { echo "FAIL cannot mount the root disk"; echo DONE; poweroff -f; }
mkdir -p /newroot/devbox-test
mount -t ext4 /dev/vdb /newroot/devbox-test || { echo "FAIL cannot mount the test disk"; echo DONE; poweroff -f; }
umount /proc /sys
mount --move /dev /newroot/dev
exec switch_root /newroot /devbox-test/guest.sh
