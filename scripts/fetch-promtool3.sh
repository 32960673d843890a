#!/usr/bin/env bash
# Unpacks a Prometheus 3 promtool into node_modules/.cache/statusgraph/promtool3/ (no install, no
# root), so the rule tests run on Debian 12's 2.42 and on the 3.x line (issue 16). Debian 12 has no
# 3.x; Debian unstable's build runs here (libc6 >= 2.34).
#
# First the pinned .deb, checked by the SHA256 from unstable's signed index. Unstable's pool drops a
# version when a newer one lands, which would break every fresh machine's test run; then the
# current version is taken from unstable's index instead, verified the way apt does it: InRelease's
# signature by gpgv against debian-archive-keyring, Packages.xz by the SHA256 in InRelease, the .deb
# by the SHA256 in Packages. The version unpacked is written to VERSION and printed by the tests.
set -euo pipefail
MIRROR="http://deb.debian.org/debian"
PINNED_DEB="promtool_3.5.3+ds1-6_amd64.deb"
PINNED_SHA256="1fb8bad7b932e7a44bccb12517f0bd96d5d5d83f15d3a1c0e2aa705cbf93fe90"
DIR="$(cd "$(dirname "$0")/.." && pwd)/node_modules/.cache/statusgraph/promtool3"
if [ -x "$DIR/promtool" ]; then
  echo "setup-ci: promtool $(cat "$DIR/VERSION") (Prometheus 3) is unpacked"
  exit 0
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

fetch() { curl -fsS --retry 3 -o "$2" "$MIRROR/$1"; }

deb="$tmp/promtool.deb"
if fetch "pool/main/p/prometheus/$PINNED_DEB" "$deb" 2>/dev/null; then
  echo "$PINNED_SHA256  $deb" | sha256sum -c --quiet
  version="${PINNED_DEB#promtool_}"; version="${version%_amd64.deb}"
else
  echo "setup-ci: $PINNED_DEB has left unstable's pool; taking unstable's current promtool from its signed index"
  fetch dists/unstable/InRelease "$tmp/InRelease"
  gpgv --keyring /usr/share/keyrings/debian-archive-keyring.gpg "$tmp/InRelease" 2>"$tmp/gpgv.log" || { cat "$tmp/gpgv.log" >&2; exit 1; }
  fetch dists/unstable/main/binary-amd64/Packages.xz "$tmp/Packages.xz"
  want="$(awk '/^SHA256:/{s=1;next} /^[A-Za-z]/{s=0} s && $3=="main/binary-amd64/Packages.xz"{print $1}' "$tmp/InRelease")"
  echo "$want  $tmp/Packages.xz" | sha256sum -c --quiet
  read -r version file sha < <(xz -dc "$tmp/Packages.xz" | awk '
    /^Package: /{p=$2} /^Version: /{v=$2} /^Filename: /{f=$2} /^SHA256: /{s=$2}
    /^$/{ if (p=="promtool") { print v, f, s; exit } p=""; v=""; f=""; s="" }')
  case "$version" in 3.*) ;; *) echo "setup-ci: unstable's promtool is $version, not a 3.x" >&2; exit 1 ;; esac
  fetch "$file" "$deb"
  echo "$sha  $deb" | sha256sum -c --quiet
fi
dpkg-deb -x "$deb" "$tmp/x"
mkdir -p "$DIR"
install -m 0755 "$tmp/x/usr/bin/promtool" "$DIR/promtool"
echo "$version" > "$DIR/VERSION"
echo "setup-ci: promtool $version (Prometheus 3) unpacked into $DIR"
