import assert from "node:assert/strict";
import { AuthError } from "../../../dist/rpc/auth_error.ts";
import { generateSecret } from "../../../dist/rpc/generate_secret.ts";
import { resolveSecret } from "../../../dist/rpc/resolve_secret.ts";

const decode = (b: Uint8Array) => new TextDecoder().decode(b);

Deno.test("resolveSecret() prefers the flag, then the file, then the environment", async () => {
  const file = await Deno.makeTempFile();
  try {
    await Deno.writeTextFile(file, "secret-from-the-file\n");
    const all = { value: "secret-from-the-flag", file, env: "secret-from-the-env" };
    assert.equal(decode(await resolveSecret(all)), "secret-from-the-flag");
    assert.equal(decode(await resolveSecret({ file, env: all.env })), "secret-from-the-file");
    assert.equal(decode(await resolveSecret({ env: all.env })), "secret-from-the-env");
  } finally {
    await Deno.remove(file);
  }
});

Deno.test("resolveSecret() refuses a missing or short secret", async () => {
  await assert.rejects(resolveSecret({ env: undefined }), AuthError);
  await assert.rejects(resolveSecret({ value: "short" }), RangeError);
  await assert.rejects(resolveSecret({ file: "/nonexistent/secret" }), Deno.errors.NotFound);
});

Deno.test("generateSecret() returns a different 64-hex-digit secret each time", () => {
  const a = generateSecret();
  assert.match(a, /^[0-9a-f]{64}$/);
  assert.notEqual(a, generateSecret());
});
