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
	gnutls-bin dovecot-imapd dovecot-pop3d postfix \
	python3 jq tmux locales ca-certificates procps iproute2 psmisc \
	clang libclang-rt-14-dev >/dev/null
$SUDO apt-get install -y -qq libxml2-dev libseccomp-dev w3m >/dev/null
# Servers are started by the tests themselves, on loopback high ports.
# Do not leave the system-wide ones running after installation.
$SUDO sh -c 'postfix stop 2>/dev/null; doveadm stop 2>/dev/null; true'
