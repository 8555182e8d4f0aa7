import { WASM_MODULES } from "./kernels/_wasm_modules.ts";

/** A module's `run` export: byte addresses and uniforms in, nothing out. */
export type WasmRun = (...args: number[]) => void;

/**
 * One thread's instances of the CPU backend's WebAssembly kernels
 * (`shaders/NAME.wat`, assembled into `kernels/_wasm_modules.ts`), all over
 * the device's one shared memory (`Arena`). Modules are compiled and
 * instantiated the first time a kernel asks; a module this runtime cannot
 * compile (no SIMD) leaves that kernel to its TypeScript implementation.
 *
 * @example
 * ```ts
 * import { Arena } from "./arena.ts";
 * import { WasmKernels } from "./wasm_kernels.ts";
 * const kernels = new WasmKernels(new Arena(1 << 20).memory);
 * console.log(typeof kernels.run("mean_aggregate")); // "function"
 * console.log(kernels.run("no_such_kernel")); // undefined
 * ```
 */
export class WasmKernels {
  readonly memory: WebAssembly.Memory;
  readonly #runs = new Map<string, WasmRun | undefined>();

  constructor(memory: WebAssembly.Memory) {
    this.memory = memory;
  }

  /** Whether this runtime compiles the modules (WebAssembly SIMD and threads). */
  static supported(): boolean {
    return Object.values(WASM_MODULES).every((m) => WebAssembly.validate(decode(m)));
  }

  /** The `run` export of kernel `name`'s module, or undefined when there is none that runs here. */
  run(name: string): WasmRun | undefined {
    if (this.#runs.has(name)) return this.#runs.get(name);
    let run: WasmRun | undefined;
    const bytes = WASM_MODULES[name];
    if (bytes !== undefined) {
      try {
        const module = new WebAssembly.Module(decode(bytes));
        const instance = new WebAssembly.Instance(module, { env: { memory: this.memory } });
        run = instance.exports.run as WasmRun;
      } catch {
        run = undefined;
      }
    }
    this.#runs.set(name, run);
    return run;
  }
}

function decode(base64: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
}
