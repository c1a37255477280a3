#!/usr/bin/env bash
# Pack the command line for a machine without Node or node_modules (a lent GPU machine, see
# docs/performance.md, "WebGPU on a real GPU"): one bundled cli.mjs, TF.js's wasm binaries, Dawn's
# Node binding for Linux x64 and this machine's Node binary, xz-compressed, into .dev/ (about 35 MB;
# git ignores it). On the other machine:
#   cd .dev && ./unpack.sh && PATH=$PWD/bin:$PATH node cli.mjs bench --backends webgpu,webgpu-tfjs,wasm ...
set -euo pipefail
cd "$(dirname "$0")/.."
out=.dev
rm -rf "$out" && mkdir -p "$out/bin" "$out/node_modules/webgpu/dist/linux-x64"
# webgpu stays outside the bundle (it loads dawn.node next to itself); vite and playwright are only
# reached by `bench --where browser`, which needs a Chromium there anyway.
npx esbuild cli=src/cli/main.ts parallel-worker=src/cli/parallel-worker.ts --bundle --platform=node --format=esm --target=node20 \
  --splitting --outdir="$out" --entry-names="[name]" --chunk-names="[name]-[hash]" --out-extension:.js=.mjs --external:webgpu --external:@sparticuz/chromium --external:vite \
  --external:playwright-core --log-level=error \
  --banner:js="import { createRequire as __cr } from 'module'; import { fileURLToPath as __fu } from 'url'; import { dirname as __dn } from 'path'; const require = __cr(import.meta.url); const __filename = __fu(import.meta.url); const __dirname = __dn(__filename);"
cp node_modules/@tensorflow/tfjs-backend-wasm/dist/*.wasm "$out/"
cp node_modules/webgpu/index.js node_modules/webgpu/package.json "$out/node_modules/webgpu/"
xz -T2 -6 -c node_modules/webgpu/dist/linux-x64/dawn.node > "$out/node_modules/webgpu/dist/linux-x64/dawn.node.xz"
xz -T2 -6 -c "$(command -v node)" > "$out/bin/node.xz"
cat > "$out/unpack.sh" <<'UNPACK'
#!/bin/sh
set -e
cd "$(dirname "$0")"
unxz() { # xz where it is installed, else Python's lzma
  if command -v xz >/dev/null; then xz -df "$1"
  else python3 -c 'import lzma, shutil, sys; shutil.copyfileobj(lzma.open(sys.argv[1]), open(sys.argv[1][:-3], "wb"))' "$1" && rm "$1"; fi
}
unxz bin/node.xz && chmod +x bin/node
unxz node_modules/webgpu/dist/linux-x64/dawn.node.xz
UNPACK
chmod +x "$out/unpack.sh"
du -sh "$out"
