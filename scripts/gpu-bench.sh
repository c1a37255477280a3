#!/usr/bin/env bash
# Milliseconds per RL step at the three policy sizes on webgpu and on wasm, on this machine, in
# Node, with the WebGPU adapter's name (docs/performance.md, "WebGPU on a real GPU").
#
# Needs a checkout with `npm install` done and Node >= 20. On an NVIDIA machine it points Vulkan at
# the NVIDIA driver when VK_DRIVER_FILES is unset; the Vulkan loader (libvulkan.so.1) comes from the
# system (`ldconfig -p | grep libvulkan`), from FOCAL_VULKAN_DIR, or from a Chromium (see
# src/cli/vulkan.ts). Extra arguments go to the benchmark (e.g. --json, --steps 8).
set -euo pipefail
cd "$(dirname "$0")/.."
nvidia_icd=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
if [[ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" && -f "$nvidia_icd" ]]; then
  export VK_DRIVER_FILES="$nvidia_icd"
fi
echo "load: $(uptime)" >&2
echo "VK_DRIVER_FILES=${VK_DRIVER_FILES:-${VK_ICD_FILENAMES:-<unset: SwiftShader or the system's drivers>}}" >&2
exec npx tsx src/cli/main.ts bench --backends webgpu,webgpu-tfjs,wasm --sizes small,medium,large \
  --steps "${STEPS:-5}" --warmup "${WARMUP:-2}" "$@"
