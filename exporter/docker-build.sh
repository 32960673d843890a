#!/bin/sh
# The npm steps of exporter/Dockerfile, in one place: the Dockerfile runs this script, and so does
# the CI check (test/provisioning/dockerfile.test.ts) in a clean copy of the build context, so the
# build CI exercises without a Docker engine is the build the image runs.
#
#   docker-build.sh deps         install the workspace dependencies of the exporter (lockfile exact)
#   docker-build.sh build DEST   compile, drop dev dependencies, lay out the runtime tree in DEST
#
# Run from the root of the build context (the repository root: the npm workspace and its one
# package-lock.json live there).
set -eu

usage() { echo "usage: $0 deps | build DEST" >&2; exit 2; }

case "${1:-}" in
  deps)
    [ "$#" -eq 1 ] || usage
    # --include-workspace-root=false: the root's devDependencies are the test tools, not the exporter's.
    npm ci --workspace exporter --include-workspace-root=false --prefer-offline --no-audit --no-fund
    ;;
  build)
    [ "$#" -eq 2 ] || usage
    dest=$2
    # The shared package first: the exporter compiles against its declarations.
    npm run build --workspace packages/core
    npm run build --workspace exporter
    # Prune instead of a second install: the native module compiled by `deps` is kept as it is.
    npm prune --omit=dev --workspace exporter --include-workspace-root=false --no-audit --no-fund
    mkdir -p "$dest/exporter"
    cp package.json "$dest/"
    cp -a node_modules "$dest/"
    cp exporter/package.json "$dest/exporter/"
    cp -a exporter/dist "$dest/exporter/"
    # node_modules/@statusgraph/core is a workspace link to packages/core: ship what it points at.
    mkdir -p "$dest/packages/core"
    cp packages/core/package.json "$dest/packages/core/"
    cp -a packages/core/dist "$dest/packages/core/"
    # Optional parts: the status page assets, and packages npm could not hoist to the root.
    if [ -d exporter/static ]; then cp -a exporter/static "$dest/exporter/"; fi
    if [ -d exporter/node_modules ]; then cp -a exporter/node_modules "$dest/exporter/"; fi
    ;;
  *)
    usage
    ;;
esac
