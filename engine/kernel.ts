import type { Blas } from "./blas.ts";
import type { WasmRun } from "./wasm_kernels.ts";

/**
 * Scalar types a uniform may have; every one is 4 bytes in WGSL.
 *
 * @example
 * ```ts
 * import type { UniformType } from "./kernel.ts";
 * const uniforms: { name: string; type: UniformType }[] = [{ name: "n", type: "u32" }];
 * ```
 */
export type UniformType = "u32" | "i32" | "f32";

/**
 * Element types a storage binding may have.
 *
 * @example
 * ```ts
 * import type { BindingType } from "./kernel.ts";
 * const counters: BindingType = "atomic<u32>"; // atomics for histograms and counts
 * ```
 */
export type BindingType = "u32" | "i32" | "f32" | "atomic<u32>" | "atomic<i32>";

/**
 * One storage buffer a kernel binds, in binding order.
 *
 * @example
 * ```ts
 * import type { BindingSpec } from "./kernel.ts";
 * const out: BindingSpec<"out"> = { name: "out", type: "f32", access: "read_write" };
 * ```
 */
export interface BindingSpec<B extends string = string> {
  /**
   * The binding's name: the WGSL variable, and the key of `buffers` in `dispatch` and in `CpuArgs`.
   */
  readonly name: B;
  /** Element type as WGSL declares it; `CpuView` gives the typed array the CPU version sees. */
  readonly type: BindingType;
  /** `read` for inputs; `read_write` for outputs (WGSL's `var<storage, read_write>`). */
  readonly access: "read" | "read_write";
}

/** The typed-array view the CPU implementation receives for a binding type. */
export type CpuView<T extends BindingType> = T extends "f32" ? Float32Array
  : T extends "i32" | "atomic<i32>" ? Int32Array
  : Uint32Array;

/**
 * What a kernel's CPU implementation is called with.
 *
 * @example
 * ```ts
 * import type { CpuArgs } from "./kernel.ts";
 * const double = ({ buffers, begin, end }: CpuArgs<"x", "n">) => {
 *   for (let i = begin; i < end; i++) buffers.x[i]! *= 2;
 * };
 * const x = new Float32Array([1, 2]);
 * double({ buffers: { x }, uniforms: { n: 2 }, begin: 0, end: 2 });
 * console.assert(x[1] === 4);
 * ```
 */
export interface CpuArgs<B extends string, U extends string> {
  /**
   * Each binding's whole buffer, viewed by its element type (atomics as plain `Int32Array` or
   * `Uint32Array`).
   */
  readonly buffers: Readonly<
    Record<B, Float32Array | Int32Array | Uint32Array>
  >;
  /** The uniform values of this dispatch, by name. */
  readonly uniforms: Readonly<Record<U, number>>;
  /** The invocations to run, `[begin, end)`, out of `dispatch(uniforms).invocations`. */
  readonly begin: number;
  /** One past the last invocation to run; ranges of one dispatch never overlap. */
  readonly end: number;
  /** The CPU device's OpenBLAS, on the calling thread only, when the library was found. */
  readonly blas?: Blas;
}

/**
 * A compute kernel described once, as data, for both backends: the WGSL body
 * (in `shaders/<name>.wgsl`), its storage bindings and uniforms (from which
 * the WGSL declarations and the packed uniform buffer are both generated, so
 * no two lists must agree by position), its workgroup size, and a CPU
 * implementation of the same computation over a range of invocations.
 *
 * One invocation is one unit of work (one output row, one seed, ...). The
 * WebGPU backend runs `ceil(invocations / workgroupSize)` workgroups, split
 * over x and y when there are more than 65535; the WGSL body reads its index
 * with `invocation_index(gid)`. The CPU backend calls `cpu` on ranges of
 * invocations, on several Workers when `cpuParallel` is set.
 *
 * @example
 * ```ts
 * import { defineKernel } from "./kernel.ts";
 * const scale = defineKernel({
 *   name: "scale",
 *   module: import.meta.url,
 *   wgsl: "fn main_body(i: u32) { x[i] = x[i] * u.factor; }",
 *   bindings: [{ name: "x", type: "f32", access: "read_write" }],
 *   uniforms: [{ name: "n", type: "u32" }, { name: "factor", type: "f32" }],
 *   invocations: (u) => u.n,
 *   cpu: ({ buffers, uniforms, begin, end }) => {
 *     for (let i = begin; i < end; i++) buffers.x[i]! *= uniforms.factor;
 *   },
 * });
 * ```
 */
export interface KernelSpec<
  B extends string = string,
  U extends string = string,
> {
  /** Unique kernel name; pipelines are cached by it and `constants`. */
  readonly name: string;
  /**
   * `import.meta.url` of the module whose default export is this kernel, so
   * that CPU Workers can load the same implementation. Omit for kernels that
   * are never run on Workers (`cpuParallel` unset).
   */
  readonly module?: string;
  /** WGSL defining `fn main_body(i: u32)`, run once per invocation (see `customEntry`). */
  readonly wgsl: string;
  /**
   * Storage buffers, in binding order (`@binding(0)` first); the WGSL declarations are generated
   * from them.
   */
  readonly bindings: readonly BindingSpec<B>[];
  /**
   * Uniforms, in the order of the generated WGSL struct `u`; the packed buffer is written from the
   * same list.
   */
  readonly uniforms: readonly {
    readonly name: U;
    readonly type: UniformType;
  }[];
  /** Invocations per WebGPU workgroup (default 64); also the WGSL constant `WORKGROUP_SIZE`. */
  readonly workgroupSize?: number;
  /** Compile-time WGSL `const` values prepended to the shader. */
  readonly constants?: Readonly<Record<string, number>>;
  /** How many invocations a dispatch with these uniforms runs. */
  readonly invocations: (uniforms: Readonly<Record<U, number>>) => number;
  /**
   * The CPU implementation: runs invocations `[begin, end)` of a dispatch, the same computation as
   * the WGSL.
   */
  readonly cpu: (args: CpuArgs<B, U>) => void;
  /**
   * Set when the WGSL defines its own `@compute @workgroup_size(WORKGROUP_SIZE)
   * fn main(...)` (for workgroup barriers and shared memory) instead of
   * `main_body`; it must then check `u.invocations` itself.
   */
  readonly customEntry?: boolean;
  /** Whether disjoint invocation ranges may run on separate CPU Workers. */
  readonly cpuParallel?: boolean;
  /**
   * Set when `cpu` hands the whole dispatch to OpenBLAS where the device has
   * it (`CpuArgs.blas`): the CPU device then runs it on the calling thread,
   * in one range, before any WebAssembly version (OpenBLAS has its own threads).
   */
  readonly cpuBlas?: boolean;
  /** CPU Workers get ranges of invocations in multiples of this (default 1): whole rows, say. */
  readonly cpuGrain?: (uniforms: Readonly<Record<U, number>>) => number;
  /**
   * The CPU backend's WebAssembly implementation (`shaders/NAME.wat`, see
   * `wasm_kernels.ts`), called instead of `cpu` when every binding lives in
   * the device's arena; it returns false to leave a call it does not cover
   * to `cpu`. Compared with `cpu` in tests on random inputs.
   */
  readonly wasm?: (args: WasmArgs<B, U>) => boolean;
}

/**
 * What a kernel's WebAssembly implementation is called with.
 *
 * @example
 * ```ts
 * import type { WasmArgs } from "./kernel.ts";
 * const scaleWasm = ({ run, addresses, uniforms, begin, end }: WasmArgs<"x", "factor">) => {
 *   run(addresses.x, uniforms.factor, begin, end);
 *   return true; // this call was covered
 * };
 * ```
 */
export interface WasmArgs<B extends string, U extends string> {
  /** The module's `run` export. */
  readonly run: WasmRun;
  /** Each binding's byte address in the device's memory. */
  readonly addresses: Readonly<Record<B, number>>;
  /** The uniform values of this dispatch, by name. */
  readonly uniforms: Readonly<Record<U, number>>;
  /** The first invocation to run. */
  readonly begin: number;
  /** One past the last invocation to run. */
  readonly end: number;
}

/**
 * Checks a kernel description and freezes it.
 *
 * @example
 * ```ts
 * import { defineKernel } from "./kernel.ts";
 * const k = defineKernel({
 *   name: "noop", wgsl: "fn main_body(i: u32) {}", bindings: [], uniforms: [],
 *   invocations: () => 0, cpu: () => {},
 * });
 * console.log(k.name);
 * ```
 */
export function defineKernel<B extends string, U extends string>(
  spec: KernelSpec<B, U>,
): KernelSpec<B, U> {
  const names = [
    ...spec.bindings.map((b) => b.name),
    ...spec.uniforms.map((u) => u.name),
  ];
  const seen = new Set<string>();
  for (const n of names) {
    if (seen.has(n)) {
      throw new TypeError(`kernel ${spec.name}: "${n}" is declared twice`);
    }
    seen.add(n);
  }
  if (spec.cpuParallel && !spec.module) {
    throw new TypeError(
      `kernel ${spec.name}: cpuParallel needs module (import.meta.url)`,
    );
  }
  return Object.freeze({ ...spec });
}

/** Default workgroup size when a kernel names none. */
export const DEFAULT_WORKGROUP_SIZE = 64;

/** Workgroups along x before a dispatch spills into y. */
export const MAX_GROUPS_X = 65535;

/**
 * The complete WGSL of a kernel: constants, the uniform struct and the
 * binding declarations generated from the description, the body, and the
 * entry point that maps a 2-D workgroup grid to a linear invocation index.
 *
 * @example
 * ```ts
 * import { defineKernel, kernelSource } from "./kernel.ts";
 * const k = defineKernel({
 *   name: "noop", wgsl: "fn main_body(i: u32) {}", bindings: [],
 *   uniforms: [{ name: "n", type: "u32" }], invocations: (u) => u.n, cpu: () => {},
 * });
 * console.log(kernelSource(k).includes("struct Uniforms"));
 * ```
 */
export function kernelSource(spec: KernelSpec): string {
  const wg = spec.workgroupSize ?? DEFAULT_WORKGROUP_SIZE;
  const lines: string[] = [];
  for (const [name, value] of Object.entries(spec.constants ?? {})) {
    lines.push(
      `const ${name} = ${Number.isInteger(value) ? `${value}u` : `${value}`};`,
    );
  }
  lines.push(`const WORKGROUP_SIZE = ${wg}u;`);
  lines.push("struct Uniforms {");
  lines.push("  invocations: u32,");
  lines.push("  groups_x: u32,");
  for (const u of spec.uniforms) lines.push(`  ${u.name}: ${u.type},`);
  lines.push("}");
  lines.push("@group(0) @binding(0) var<uniform> u: Uniforms;");
  spec.bindings.forEach((b, i) => {
    const access = b.access === "read" ? "read" : "read_write";
    lines.push(
      `@group(0) @binding(${i + 1}) var<storage, ${access}> ${b.name}: array<${b.type}>;`,
    );
  });
  lines.push(spec.wgsl);
  if (spec.customEntry) return lines.join("\n");
  lines.push(`@compute @workgroup_size(${wg})
fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * u.groups_x + wid.x) * WORKGROUP_SIZE + lid;
  if (i >= u.invocations) { return; }
  main_body(i);
}`);
  return lines.join("\n");
}

/**
 * Packs uniforms in declaration order after the two fields every kernel has
 * (`invocations`, `groups_x`), into a buffer padded to 16 bytes.
 *
 * @example
 * ```ts
 * import { defineKernel, packUniforms } from "./kernel.ts";
 * const k = defineKernel({
 *   name: "noop", wgsl: "", bindings: [], uniforms: [{ name: "x", type: "f32" }],
 *   invocations: () => 1, cpu: () => {},
 * });
 * console.log(packUniforms(k, { x: 0.5 }, 1, 1).byteLength); // 16
 * ```
 */
export function packUniforms(
  spec: KernelSpec,
  values: Readonly<Record<string, number>>,
  invocations: number,
  groupsX: number,
): Uint8Array<ArrayBuffer> {
  const words = 2 + spec.uniforms.length;
  const bytes = new Uint8Array(Math.ceil(words / 4) * 16);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, invocations, true);
  view.setUint32(4, groupsX, true);
  spec.uniforms.forEach((u, i) => {
    const v = values[u.name];
    if (v === undefined || !Number.isFinite(v)) {
      throw new TypeError(
        `kernel ${spec.name}: uniform "${u.name}" is ${v}, expected a number`,
      );
    }
    const at = 8 + 4 * i;
    if (u.type === "f32") view.setFloat32(at, v, true);
    else if (u.type === "i32") view.setInt32(at, v, true);
    else view.setUint32(at, v, true);
  });
  return bytes;
}
