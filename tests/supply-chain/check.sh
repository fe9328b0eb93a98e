#!/usr/bin/env bash
# Checks the dependencies without the network: known advisories against the
# snapshot of the RustSec advisory database in tests/supply-chain/advisory-db,
# licences and sources (crates.io only) against deny.toml, with cargo-deny.
# README, "Supply chain", tells how the snapshot is renewed.
set -euo pipefail
cd "$(dirname "$0")/../.."
snapshot=tests/supply-chain/advisory-db

# The snapshot holds the advisories of the crates it lists; a crate added to
# Cargo.lock since was never looked up.
missing="$(comm -23 <(grep '^name = ' Cargo.lock | sed 's/^name = "\(.*\)"$/\1/' | sort -u) "$snapshot/covered-crates.txt")"
if [ -n "$missing" ]; then
  echo "error: crates in Cargo.lock that the advisory snapshot does not cover:" $missing >&2
  echo "  = hint: renew it with tests/supply-chain/refresh.sh (README, \"Supply chain\")" >&2
  exit 1
fi

if ! command -v cargo-deny >/dev/null; then
  cargo install --locked cargo-deny@0.20.2
fi

# cargo-deny reads its database from a git repository under db-path
# (deny.toml), in a folder named after the database's address.
db="target/advisory-dbs/advisory-db-3157b0e258782691"
rm -rf "$db"
mkdir -p "$db"
cp -r "$snapshot/." "$db/"
git -C "$db" init -q
git -C "$db" add -A
git -C "$db" -c user.name=snapshot -c user.email=snapshot@localhost commit -qm "$(head -1 "$snapshot/SNAPSHOT")"
echo "advisories: $(head -1 "$snapshot/SNAPSHOT")"
# cargo-deny reads the crates of every platform; cargo fetches those not yet here.
cargo fetch --locked
cargo deny --offline check advisories licenses sources
