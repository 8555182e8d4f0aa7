#!/usr/bin/env bash
# Judges a machine's GPU adapter in one go (about 5 minutes):
#   bench/gpu_check.sh [OUTDIR]     (default: gpu-report)
# 1. makes sure Deno's WebGPU finds the adapter through Vulkan (the loader,
#    libvulkan1, and the driver's ICD file);
# 2. runs the engine's tests, whose kernel tests compare every WGSL kernel
#    with its CPU version on random inputs, on this adapter;
# 3. runs `deno task bench --report=OUTDIR`: OUTDIR/bench.md and bench.json.
# Run it from the repository root, with `deno` on PATH (or DENO=/path/to/deno)
# and node_modules installed; on a machine without network access, bring the
# libvulkan1 .deb in .gl/ (it is unpacked from there).
set -euo pipefail
out=${1:-gpu-report}
deno=${DENO:-deno}
mkdir -p "$out"

if ! ldconfig -p | grep -q 'libvulkan\.so\.1'; then
  if compgen -G '.gl/*.deb' >/dev/null; then
    for f in .gl/*.deb; do dpkg -x "$f" /; done
    ldconfig
  else
    apt-get install -y libvulkan1
  fi
fi
# Containers that mount the NVIDIA driver keep its ICD outside the default paths.
for icd in /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json \
  /usr/share/vulkan/icd.d/nvidia_icd.json /etc/vulkan/icd.d/nvidia_icd.json; do
  if [ -z "${VK_DRIVER_FILES:-}" ] && [ -f "$icd" ]; then export VK_DRIVER_FILES=$icd; fi
done
export DENO_WEBGPU_BACKEND=${DENO_WEBGPU_BACKEND:-vulkan}

"$deno" eval '
const a = await navigator.gpu?.requestAdapter({ powerPreference: "high-performance" });
if (!a) { console.error("no WebGPU adapter: check the Vulkan loader and VK_DRIVER_FILES"); Deno.exit(1); }
console.log("adapter:", JSON.stringify(a.info), a.info.isFallbackAdapter ? "(software)" : "");
' | tee "$out/adapter.txt"

# The kernel tests run on the CPU backend and on this adapter.
WEBGNN_TEST_BACKENDS=cpu,webgpu "$deno" test --allow-all tests/engine/ 2>&1 |
  tee "$out/engine_tests.txt"

timeout 600 "$deno" task bench --report="$out" --rounds=3 2>&1 | tee "$out/bench.txt"
