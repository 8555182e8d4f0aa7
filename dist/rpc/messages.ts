/**
 * The one schema of every message on the wire, as a tagged union on `kind`.
 * Every message carries the protocol version `v`. Handshake messages
 * (`challenge`, `auth`, `welcome`, `denied`) come first on a connection; then
 * `request`, `response`, `error` and `cancel` carry calls. Payloads are any
 * msgpack value, with typed arrays carried as binary.
 *
 * Exports the schema, its inferred type and the version: the three are one
 * definition and must not drift apart.
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
import { z } from "zod";

/** Version of the wire protocol; a peer speaking another one is refused. */
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

/** Schema of every message; `parse` it on receipt, never trust a raw decode. */
export const messageSchema = z.discriminatedUnion("kind", [
  /** Server to client, first message: a fresh random nonce to sign. */
  z.object({ v, kind: z.literal("challenge"), nonce: bytes }),
  /** Client to server: proof over both nonces, and the client's own nonce. */
  z.object({
    v,
    kind: z.literal("auth"),
    peer: z.string().max(256),
    nonce: bytes,
    mac: bytes,
  }),
  /** Server to client: accepted, with the server's proof over both nonces. */
  z.object({
    v,
    kind: z.literal("welcome"),
    peer: z.string().max(256),
    mac: bytes,
  }),
  /** Server to client: refused; the connection closes next. */
  z.object({ v, kind: z.literal("denied"), reason: z.string() }),
  z.object({
    v,
    kind: z.literal("request"),
    id,
    method: z.string().min(1).max(256),
    payload: z.unknown(),
  }),
  z.object({ v, kind: z.literal("response"), id, payload: z.unknown() }),
  /** A failed call (`id` set) or a connection-level protocol error (`id` null). */
  z.object({
    v,
    kind: z.literal("error"),
    id: id.nullable(),
    name: z.string(),
    message: z.string(),
    data: z.unknown().optional(),
  }),
  /** Client to server: the caller gave up on call `id`. */
  z.object({ v, kind: z.literal("cancel"), id }),
]);

/** Any message on the wire. */
export type Message = z.infer<typeof messageSchema>;
