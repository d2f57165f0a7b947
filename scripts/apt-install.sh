#!/bin/sh
# Usage: scripts/apt-install.sh "WHAT make test needs" DEBIAN-PACKAGE...
# Installs Debian packages that `make test` needs: with apt-get as root (as CI runs), through sudo
# otherwise; without apt-get or a way to root, or when the install fails, one line says what to install.
what=$1
shift
stop() {
    echo "make test needs $what: run \`sudo apt-get install $*\` (Debian/Ubuntu), or your system's equivalent" >&2
    exit 1
}
command -v apt-get >/dev/null 2>&1 || stop "$@"
if [ "$(id -u)" -eq 0 ]; then
    sudo=""
elif command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
else
    stop "$@"
fi
{ $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null; } || stop "$@"
