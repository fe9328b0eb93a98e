#!/usr/bin/env bash
# Renews tests/supply-chain/advisory-db from a clone of the RustSec advisory
# database: the advisories of every crate in Cargo.lock, the list of those
# crates, and where and when they were taken. Usage:
#   git clone https://github.com/rustsec/advisory-db /tmp/advisory-db
#   tests/supply-chain/refresh.sh /tmp/advisory-db
set -euo pipefail
cd "$(dirname "$0")/../.."
source_db="${1:?usage: tests/supply-chain/refresh.sh PATH-TO-ADVISORY-DB-CLONE}"
snapshot=tests/supply-chain/advisory-db
commit="$(git -C "$source_db" log -1 --format='%H of %cs')"
rm -rf "$snapshot"
mkdir -p "$snapshot/crates"
grep '^name = ' Cargo.lock | sed 's/^name = "\(.*\)"$/\1/' | sort -u >"$snapshot/covered-crates.txt"
while read -r crate; do
  if [ -d "$source_db/crates/$crate" ]; then
    cp -r "$source_db/crates/$crate" "$snapshot/crates/"
  fi
done <"$snapshot/covered-crates.txt"
cp "$source_db/LICENSE.txt" "$snapshot/"
cat >"$snapshot/SNAPSHOT" <<INFO
source: RustSec advisory database, commit $commit
taken: $(date -u +%F), for the crates listed in covered-crates.txt (all of Cargo.lock then)
holds: every advisory of those crates, as crates/<name>/RUSTSEC-*.md (CC0, LICENSE.txt)
INFO
echo "tests/supply-chain/advisory-db: $(find "$snapshot/crates" -name '*.md' | wc -l) advisories from $commit"
