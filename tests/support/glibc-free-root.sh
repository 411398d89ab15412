#!/bin/sh
# A root file system with no C library at all, in which the plugin is launched as Grafana's default (Alpine, musl)
# image would launch it: a static busybox, /etc/hosts and /etc/passwd, a private /tmp, and the plugin folder mounted
# read-only where Grafana's image has it (as docker-compose.yml mounts it). Nothing here comes from a glibc system
# except the plugin's own runtime directory. Used by tests/contract/glibcFreeRoot.test.ts and the conformance suite.
#
#   glibc-free-root.sh create ROOT
#       Fills the empty directory ROOT.
#   glibc-free-root.sh run ROOT ARCH PLUGIN_DIR COMMAND [ARG...]
#       In a user and mount namespace of its own (nothing changes outside it; root is not needed where unprivileged
#       user namespaces are allowed): PLUGIN_DIR read-only at /var/lib/grafana/plugins/aicodeteam-ledger-app,
#       /proc and /dev as a container has them, and for ARCH=arm64 qemu-aarch64-static registered in the namespace's
#       own binfmt_misc instance (Linux >= 6.7), so an arm64 program execs another one as on an arm64 host; then
#       COMMAND (a path inside ROOT) runs chrooted. Every step execs the next: the process keeps this script's pid,
#       so its stdout (go-plugin's handshake), signals and exit code are the plugin's own.
set -eu

PLUGIN_MOUNT=/var/lib/grafana/plugins/aicodeteam-ledger-app
QEMU=/usr/bin/qemu-aarch64-static
# binfmt_misc's rule for aarch64 ELF executables and shared objects (the kernel decodes the \x escapes).
AARCH64_RULE=':ledger-aarch64:M::\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\xb7\x00:\xff\xff\xff\xff\xff\xff\xff\x00\xff\xff\xff\xff\xff\xff\xff\xff\xfe\xff\xff\xff:'"$QEMU"':F'

busybox() {
  for candidate in /bin/busybox /usr/bin/busybox; do
    # static: no program interpreter to load it
    if [ -x "$candidate" ] && ! readelf -l "$candidate" | grep -q 'program interpreter'; then
      echo "$candidate"
      return
    fi
  done
  echo "glibc-free-root: a static busybox is required (Debian package busybox-static)" >&2
  exit 1
}

case "${1:-}" in
create)
  root=$2
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/proc" "$root/dev" "$root$PLUGIN_MOUNT"
  chmod 1777 "$root/tmp"
  cp "$(busybox)" "$root/bin/busybox"
  ln -s busybox "$root/bin/sh"
  # What Alpine has: localhost, and a name only /etc/hosts knows (the tests reach PostgreSQL through it). No
  # /etc/resolv.conf and no /etc/nsswitch.conf: glibc's defaults (hosts: files dns) apply.
  printf '127.0.0.1\tlocalhost\n::1\tlocalhost\n127.0.0.1\tledger-db.test\n' >"$root/etc/hosts"
  printf 'root:x:0:0:root:/root:/bin/sh\ngrafana:x:472:0::/home/grafana:/sbin/nologin\n' >"$root/etc/passwd"
  printf 'root:x:0:root\n' >"$root/etc/group"
  ;;
run)
  shift
  exec unshare --user --map-root-user --mount "$0" inside "$@"
  ;;
inside)
  root=$2 arch=$3 plugin_dir=$4
  shift 4
  if [ "$arch" = arm64 ] && [ "$(uname -m)" != aarch64 ]; then
    mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    printf '%s' "$AARCH64_RULE" >/proc/sys/fs/binfmt_misc/register
  fi
  mount --rbind /proc "$root/proc"
  mount --rbind /dev "$root/dev"
  mount --bind "$plugin_dir" "$root$PLUGIN_MOUNT"
  mount -o remount,bind,ro "$root$PLUGIN_MOUNT"
  exec chroot "$root" "$@"
  ;;
*)
  echo "usage: $0 create ROOT | run ROOT ARCH PLUGIN_DIR COMMAND [ARG...]" >&2
  exit 2
  ;;
esac
