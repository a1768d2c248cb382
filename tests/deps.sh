#!/bin/sh
# Install everything starling needs to build, run and test, from Debian's
# package archive (Debian 12). Run as root, or it uses sudo.
set -e
SUDO=
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq \
	build-essential autoconf automake autopoint gettext pkg-config \
	libgnutls28-dev libetpan-dev libncurses-dev libinih-dev \
	libcmocka-dev liblmdb-dev libsasl2-modules libunbound-dev libevent-dev dnsmasq-base \
	libmagic-dev git-email \
	gnutls-bin dovecot-imapd dovecot-pop3d postfix \
	python3 jq tmux locales ca-certificates procps iproute2 psmisc \
	groff-base man-db \
	clang libclang-rt-14-dev >/dev/null
# tests/ui/t-ja.sh runs the interface under ja_JP.UTF-8: generate that
# locale (once; locale-gen keeps it across updates of the locales package).
if ! locale -a 2>/dev/null | grep -qix 'ja_JP\.utf-\{0,1\}8'; then
	$SUDO sed -i 's/^# *\(ja_JP\.UTF-8 UTF-8\)/\1/' /etc/locale.gen
	grep -q '^ja_JP\.UTF-8 UTF-8' /etc/locale.gen ||
		echo 'ja_JP.UTF-8 UTF-8' | $SUDO tee -a /etc/locale.gen >/dev/null
	$SUDO locale-gen >/dev/null
fi
$SUDO apt-get install -y -qq libxml2-dev libseccomp-dev w3m >/dev/null
# Servers are started by the tests themselves, on loopback high ports.
# Do not leave the system-wide ones running after installation.
$SUDO sh -c 'postfix stop 2>/dev/null; doveadm stop 2>/dev/null; true'
