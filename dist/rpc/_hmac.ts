const encoder = new TextEncoder();

/** Imports the shared secret as an HMAC-SHA256 key. Private helper. */
export function importSecret(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    secret.slice(),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign", "verify"],
  );
}

function transcript(
  role: "client" | "server",
  first: Uint8Array,
  second: Uint8Array,
): Uint8Array<ArrayBuffer> {
  const label = encoder.encode(`webgnn-rpc-v1 ${role}`);
  const out = new Uint8Array(label.length + first.length + second.length);
  out.set(label, 0);
  out.set(first, label.length);
  out.set(second, label.length + first.length);
  return out;
}

/** The proof `role` sends: HMAC over a role label and both nonces. */
export async function prove(
  key: CryptoKey,
  role: "client" | "server",
  first: Uint8Array,
  second: Uint8Array,
): Promise<Uint8Array<ArrayBuffer>> {
  const mac = await crypto.subtle.sign(
    "HMAC",
    key,
    transcript(role, first, second),
  );
  return new Uint8Array(mac);
}

/** Checks a proof in constant time (WebCrypto's verify). */
export function check(
  key: CryptoKey,
  role: "client" | "server",
  first: Uint8Array,
  second: Uint8Array,
  mac: Uint8Array,
): Promise<boolean> {
  return crypto.subtle.verify(
    "HMAC",
    key,
    mac.slice(),
    transcript(role, first, second),
  );
}

/** 32 fresh random bytes. */
export function nonce(): Uint8Array<ArrayBuffer> {
  return crypto.getRandomValues(new Uint8Array(32));
}
