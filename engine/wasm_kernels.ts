import { WASM_MODULES, WASM_RELAXED_MODULES } from "./kernels/_wasm_modules.ts";

/**
 * A module's `run` export: byte addresses and uniforms in, nothing out.
 *
 * @example
 * ```ts
 * import type { WasmRun } from "./wasm_kernels.ts";
 * const calls: number[][] = [];
 * const run: WasmRun = (...args) => void calls.push(args);
 * run(1024, 2, 0, 8);
 * console.assert(calls[0]!.length === 4);
 * ```
 */
export type WasmRun = (...args: number[]) => void;

/**
 * One thread's instances of the CPU backend's WebAssembly kernels
 * (`shaders/NAME.wat`, assembled into `kernels/_wasm_modules.ts`), all over
 * the device's one shared memory (`Arena`). Modules are compiled and
 * instantiated the first time a kernel asks; a module this runtime cannot
 * compile (no SIMD) leaves that kernel to its TypeScript implementation.
 * Kernels written with relaxed SIMD's fused multiply-add (matmul) run that
 * module where the runtime validates it, else its plain-SIMD twin.
 *
 * @example
 * ```ts
 * import { Arena } from "./arena.ts";
 * import { WasmKernels } from "./wasm_kernels.ts";
 * const kernels = new WasmKernels(new Arena(1 << 20).memory);
 * console.log(typeof kernels.run("mean_aggregate")); // "function"
 * console.log(kernels.run("no_such_kernel")); // undefined
 * console.log(WasmKernels.relaxedSimd()); // true where V8 has relaxed SIMD
 * ```
 */
export class WasmKernels {
  readonly memory: WebAssembly.Memory;
  /** Whether relaxed-SIMD modules are used where the runtime has them. */
  readonly relaxed: boolean;
  readonly #runs = new Map<string, WasmRun | undefined>();

  /** `relaxed: false` takes the plain-SIMD twins even where relaxed SIMD exists (for tests). */
  constructor(memory: WebAssembly.Memory, options: { relaxed?: boolean } = {}) {
    this.memory = memory;
    this.relaxed = options.relaxed !== false && WasmKernels.relaxedSimd();
  }

  /** Whether this runtime compiles the modules (WebAssembly SIMD and threads). */
  static supported(): boolean {
    return Object.values(WASM_MODULES).every((m) => WebAssembly.validate(decode(m)));
  }

  /** Whether this runtime compiles relaxed SIMD (`f32x4.relaxed_madd`, fused on CPUs with FMA). */
  static relaxedSimd(): boolean {
    return Object.values(WASM_RELAXED_MODULES).every((m) => WebAssembly.validate(decode(m)));
  }

  /** The `run` export of kernel `name`'s module, or undefined when there is none that runs here. */
  run(name: string): WasmRun | undefined {
    if (this.#runs.has(name)) return this.#runs.get(name);
    let run: WasmRun | undefined;
    const bytes = (this.relaxed ? WASM_RELAXED_MODULES[name] : undefined) ?? WASM_MODULES[name];
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
