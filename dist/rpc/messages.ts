/**
 * The one schema of every message on the wire, as a tagged union on `kind`.
 * Every message carries the protocol version `v`. Handshake messages
 * (`challenge`, `auth`, `welcome`, `denied`) come first on a connection; then
 * `request`, `response`, `error` and `cancel` carry calls. Payloads are any
 * msgpack value, with typed arrays carried as binary.
 *
 * Exports the message type, its schema (checked against the type) and the
 * version.
 *
 * @example
 * ```ts
 * import { messageSchema, PROTOCOL_VERSION } from "./messages.ts";
 * const msg = messageSchema.parse({
 *   v: PROTOCOL_VERSION, kind: "request", id: 1, method: "echo", payload: [1, 2],
 * });
 * console.assert(msg.kind === "request");
 * ```
 * @module
 */
import { z } from "npm:zod@4.6.7";

/**
 * Version of the wire protocol; a peer speaking another one is refused.
 *
 * @example
 * ```ts
 * import { PROTOCOL_VERSION } from "./messages.ts";
 * const cancel = { v: PROTOCOL_VERSION, kind: "cancel", id: 3 } as const;
 * ```
 */
export const PROTOCOL_VERSION = 2;

/**
 * Largest frame a server accepts before its client has authenticated: the
 * biggest valid `auth` message (a 256-character name of 3-byte characters,
 * two 32-byte proofs) encodes to 874 bytes.
 */
export const MAX_HANDSHAKE_MESSAGE_BYTES = 1024;

const v = z.literal(PROTOCOL_VERSION);
const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const bytes = z.instanceof(Uint8Array);

/**
 * Any message on the wire: the handshake (`challenge`, `auth`, `welcome`,
 * `denied`), then calls (`request`, `response`, `error`, `cancel`). Every one
 * carries the protocol version `v`; `id` pairs a call's messages.
 *
 * @example
 * ```ts
 * import { type Message, PROTOCOL_VERSION } from "./messages.ts";
 * const ask: Message = { v: PROTOCOL_VERSION, kind: "request", id: 7, method: "echo", payload: "hi" };
 * const answer: Message = { v: PROTOCOL_VERSION, kind: "response", id: ask.id, payload: "hi" };
 * ```
 */
export type Message =
  /** Server to client, first message: a fresh random nonce to sign. */
  | { v: typeof PROTOCOL_VERSION; kind: "challenge"; nonce: Uint8Array }
  /** Client to server: its name, its own nonce, and its proof over both nonces. */
  | {
    v: typeof PROTOCOL_VERSION;
    kind: "auth";
    peer: string;
    nonce: Uint8Array;
    mac: Uint8Array;
  }
  /** Server to client: accepted, with the server's name and its proof over both nonces. */
  | {
    v: typeof PROTOCOL_VERSION;
    kind: "welcome";
    peer: string;
    mac: Uint8Array;
  }
  /** Server to client: refused, and why; the connection closes next. */
  | { v: typeof PROTOCOL_VERSION; kind: "denied"; reason: string }
  /** A call of `method` with its payload (any msgpack value). */
  | {
    v: typeof PROTOCOL_VERSION;
    kind: "request";
    id: number;
    method: string;
    payload: unknown;
  }
  /** Call `id`'s answer. */
  | {
    v: typeof PROTOCOL_VERSION;
    kind: "response";
    id: number;
    payload: unknown;
  }
  /** A failed call (`id` set) or a connection-level protocol error (`id` null): the error's class name, message and any structured detail. */
  | {
    v: typeof PROTOCOL_VERSION;
    kind: "error";
    id: number | null;
    name: string;
    message: string;
    data?: unknown;
  }
  /** Client to server: the caller gave up on call `id`. */
  | { v: typeof PROTOCOL_VERSION; kind: "cancel"; id: number };

/** Schema of every {@link Message}; `safeParse` it on receipt, never trust a raw decode. */
export const messageSchema: z.ZodType<Message> = z.discriminatedUnion("kind", [
  z.object({ v, kind: z.literal("challenge"), nonce: bytes }),
  z.object({
    v,
    kind: z.literal("auth"),
    peer: z.string().max(256),
    nonce: bytes,
    mac: bytes,
  }),
  z.object({
    v,
    kind: z.literal("welcome"),
    peer: z.string().max(256),
    mac: bytes,
  }),
  z.object({ v, kind: z.literal("denied"), reason: z.string() }),
  z.object({
    v,
    kind: z.literal("request"),
    id,
    method: z.string().min(1).max(256),
    payload: z.unknown(),
  }),
  z.object({ v, kind: z.literal("response"), id, payload: z.unknown() }),
  z.object({
    v,
    kind: z.literal("error"),
    id: id.nullable(),
    name: z.string(),
    message: z.string(),
    data: z.unknown().optional(),
  }),
  z.object({ v, kind: z.literal("cancel"), id }),
]);
