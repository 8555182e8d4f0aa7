import type { Schema } from "./schema.ts";

/**
 * What a method handler learns about the call it serves.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import { MethodTable } from "./method_table.ts";
 * // A handler that names its caller and stops when the call is cancelled.
 * new MethodTable().register("demo.whoami", z.null(), (_payload, ctx) => {
 *   ctx.signal.throwIfAborted();
 *   return `${ctx.method} called by ${ctx.peer}`;
 * });
 * ```
 */
export interface CallContext {
  /** The authenticated peer, e.g. `rank 3 (127.0.0.4:50122)`. */
  readonly peer: string;
  /** The method name. */
  readonly method: string;
  /** Aborted when the caller cancels or the connection closes. */
  readonly signal: AbortSignal;
}

/**
 * A registered method: payload schema plus handler.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import { MethodTable } from "./method_table.ts";
 * const table = new MethodTable().register("demo.double", z.number(), (x) => 2 * x);
 * const entry = table.get("demo.double")!;
 * console.assert(entry.params.safeParse("two").success === false);
 * ```
 */
export interface MethodEntry {
  /** Checks a request's payload before the handler runs. */
  readonly params: Schema<unknown>;
  /**
   * Answers a call with a checked payload; its value (or promise) is the response, its throw the
   * error.
   */
  readonly handler: (payload: unknown, ctx: CallContext) => unknown;
}

/**
 * The methods a server answers, by name. Each method declares the schema (zod's)
 * of its payload; a request whose payload does not match fails with a
 * `TypeError` at the caller and the handler does not run. One table per
 * server, passed explicitly: there is no global registry.
 *
 * @example
 * ```ts
 * import { z } from "npm:zod@4.6.7";
 * import { MethodTable } from "./method_table.ts";
 * const methods = new MethodTable()
 *   .register("add", z.tuple([z.number(), z.number()]), ([a, b]) => a + b);
 * console.assert(methods.has("add"));
 * ```
 */
export class MethodTable {
  readonly #entries = new Map<string, MethodEntry>();

  /** Adds a method; throws `TypeError` on an empty or duplicate name. */
  register<T>(
    name: string,
    params: Schema<T>,
    handler: (payload: T, ctx: CallContext) => unknown,
  ): this {
    if (typeof name !== "string" || name.length === 0 || name.length > 256) {
      throw new TypeError(`method name must be 1..256 characters: "${name}"`);
    }
    if (this.#entries.has(name)) {
      throw new TypeError(`method "${name}" is already registered`);
    }
    this.#entries.set(name, {
      params,
      handler: handler as MethodEntry["handler"],
    });
    return this;
  }

  /** True if `name` is registered. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The entry for `name`, if registered. */
  get(name: string): MethodEntry | undefined {
    return this.#entries.get(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#entries.keys()].sort();
  }
}
