# SPDX-License-Identifier: GPL-2.0
#
# make                 build sipwalld, sipwallctl and sipwall.ko
# make install         install them under DESTDIR
# make test            every test (unit, kernel in QEMU, integration); ends
#                      with "N passed, N failed"
# make bench           benchmarks (not tests); see docs/benchmarks.md
# make check-static    sparse on the module, cppcheck on userspace
# make demo-pki        the demo CA and certificates under build/demo/
#
# KDIR selects the kernel build tree. Default: the running kernel's, or where
# it has none, the newest installed linux-headers-*.

KVER_RUNNING := $(shell uname -r)
KDIR ?= $(shell if [ -e /lib/modules/$(KVER_RUNNING)/build/Makefile ]; then \
		echo /lib/modules/$(KVER_RUNNING)/build; else \
		ls -d /usr/src/linux-headers-*/ 2>/dev/null | grep -v -- '-common/$$' | \
		sort -V | tail -n 1 | sed 's:/$$::'; fi)
# The release the module is built for, as /lib/modules names it (Debian's
# headers answer `make kernelrelease` with the upstream version instead).
KVER ?= $(shell sed -n 's/.*UTS_RELEASE "\(.*\)"/\1/p' $(KDIR)/include/generated/utsrelease.h 2>/dev/null)

PREFIX ?= /usr
SBINDIR ?= $(PREFIX)/sbin
MANDIR ?= $(PREFIX)/share/man
DESTDIR ?=

.PHONY: all userspace kmod daemon tools install clean test bench check-kdir check-static demo-pki

all: userspace kmod

userspace: daemon tools

daemon tools:
	$(MAKE) -C $@

check-kdir:
	@test -n "$(KDIR)" -a -e "$(KDIR)/Makefile" || { \
		echo "sipwall: no kernel build tree; install linux-headers-amd64 or set KDIR=" >&2; exit 1; }

kmod: check-kdir
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

install: all
	install -D -m 0755 daemon/sipwalld $(DESTDIR)$(SBINDIR)/sipwalld
	install -D -m 0755 tools/sipwallctl $(DESTDIR)$(SBINDIR)/sipwallctl
	install -D -m 0644 kmod/sipwall.ko $(DESTDIR)/lib/modules/$(KVER)/extra/sipwall.ko
	for m in man/*.[0-9]; do \
		s=$${m##*.}; install -D -m 0644 $$m $(DESTDIR)$(MANDIR)/man$$s/$${m##*/}; done

clean:
	$(MAKE) -C daemon clean
	$(MAKE) -C tools clean
	-$(MAKE) -C $(KDIR) M=$(CURDIR) clean
	rm -rf build

test: all
	tests/run

bench: all
	tests/bench/run

demo-pki:
	scripts/demo-pki build/demo

check-static: check-kdir
	mkdir -p build; $(MAKE) -C $(KDIR) M=$(CURDIR) C=2 modules 2>&1 | tee build/sparse.log; \
		! grep -E 'kmod/.*(warning|error):' build/sparse.log
	cppcheck --error-exitcode=1 --enable=warning,portability --inline-suppr -q \
		--std=c11 -I include/uapi -D__linux__ daemon tools tests/tools tests/srtp
