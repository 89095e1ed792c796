#!/usr/bin/env bash
# Usage: apt-need.sh COMMAND PACKAGE [COMMAND PACKAGE ...]
# Installs the Debian PACKAGE for each COMMAND that is missing (as root), or stops and names it.
set -euo pipefail
missing=()
while [ $# -ge 2 ]; do
  command -v "$1" >/dev/null 2>&1 || missing+=("$2")
  shift 2
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "Missing Debian package(s): ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
echo "Installing Debian package(s): ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
