import { ensureRuntimeDir } from "./ensure_runtime_dir.ts";

/**
 * One WebGPU adapter this machine offers, and how to point a process at it.
 *
 * @example
 * ```ts
 * import type { WebGpuAdapterChoice } from "./webgpu_adapters.ts";
 * const gl: WebGpuAdapterChoice = {
 *   index: 1, backend: "gl", name: "llvmpipe (LLVM 15.0.6, 256 bits)", env: { DENO_WEBGPU_BACKEND: "gl" },
 * };
 * ```
 */
export interface WebGpuAdapterChoice {
  /** Its index in `--device=webgpu:N`. */
  readonly index: number;
  /** The backend Deno's WebGPU reaches it through. */
  readonly backend: "vulkan" | "gl";
  /** As the driver names it, e.g. `llvmpipe (LLVM 15.0.6, 256 bits)`. */
  readonly name: string;
  /** The variables that make a new process's first adapter this one. */
  readonly env: Readonly<Record<string, string>>;
}

/**
 * The WebGPU adapters of this machine, in a fixed order: every Vulkan device,
 * as Mesa's device-selection layer lists them (`MESA_VK_DEVICE_SELECT=list`;
 * the layer is part of mesa-vulkan-drivers and sits in front of every Vulkan
 * driver, NVIDIA's and AMD's included), then the GL adapter if there is one.
 * Deno 2.9.6's `requestAdapter` returns one adapter per backend and takes no
 * device index, so each is reached through environment variables read when
 * the process first asks for an adapter: `DENO_WEBGPU_BACKEND` picks the
 * backend, and for Vulkan `MESA_VK_DEVICE_SELECT=vendor:device` with
 * `MESA_VK_DEVICE_SELECT_FORCE_DEFAULT_DEVICE=1` leaves only that device
 * visible. Listing runs two short child processes (the layer's list mode
 * ends the process that asks).
 *
 * @example
 * ```ts ignore
 * import { listWebGpuAdapters } from "./webgpu_adapters.ts";
 * for (const a of await listWebGpuAdapters()) console.log(a.index, a.backend, a.name);
 * ```
 */
export async function listWebGpuAdapters(): Promise<WebGpuAdapterChoice[]> {
  const runtime = ensureRuntimeDir();
  const probe = async (env: Record<string, string>, code: string) => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", code],
      env: { ...env, ...(runtime === undefined ? {} : { XDG_RUNTIME_DIR: runtime }) },
      stdin: "null",
    }).output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return text(out.stdout) + text(out.stderr);
  };
  const [vulkan, gl] = await Promise.all([
    probe(
      { DENO_WEBGPU_BACKEND: "vulkan", MESA_VK_DEVICE_SELECT: "list" },
      "await navigator.gpu.requestAdapter()",
    ),
    probe(
      { DENO_WEBGPU_BACKEND: "gl" },
      "const a = await navigator.gpu.requestAdapter(); " +
        "console.log(a ? `adapter: ${a.info.description || a.info.vendor}` : 'no adapter')",
    ),
  ]);
  const adapters: WebGpuAdapterChoice[] = [];
  for (const m of vulkan.matchAll(/^\s*GPU \d+: ([0-9a-fA-F]+:[0-9a-fA-F]+) "([^"]*)"/gm)) {
    adapters.push({
      index: adapters.length,
      backend: "vulkan",
      name: m[2]!,
      env: {
        DENO_WEBGPU_BACKEND: "vulkan",
        MESA_VK_DEVICE_SELECT: m[1]!,
        MESA_VK_DEVICE_SELECT_FORCE_DEFAULT_DEVICE: "1",
      },
    });
  }
  const glName = /^adapter: (.*)$/m.exec(gl)?.[1];
  if (glName !== undefined) {
    adapters.push({
      index: adapters.length,
      backend: "gl",
      name: glName,
      env: { DENO_WEBGPU_BACKEND: "gl" },
    });
  }
  return adapters;
}

/**
 * Points this process's WebGPU at adapter `index` of
 * {@linkcode listWebGpuAdapters} by setting its variables; it must run before
 * the process first asks for an adapter. An index past the list is a
 * `RangeError` listing what there is.
 *
 * @example
 * ```ts ignore
 * import { useWebGpuAdapter } from "./webgpu_adapters.ts";
 * const chosen = await useWebGpuAdapter(1);
 * const adapter = await navigator.gpu.requestAdapter(); // chosen's
 * ```
 */
export async function useWebGpuAdapter(index: number): Promise<WebGpuAdapterChoice> {
  const adapters = await listWebGpuAdapters();
  const chosen = adapters[index];
  if (chosen === undefined) {
    const there = adapters.map((a) => `webgpu:${a.index} ${a.backend} ${a.name}`).join("; ");
    throw new RangeError(
      `--device=webgpu:${index}: this machine has ${adapters.length} WebGPU adapter(s)` +
        (there ? ` (${there})` : ""),
    );
  }
  for (const [name, value] of Object.entries(chosen.env)) Deno.env.set(name, value);
  return chosen;
}
