// `deno task secret`: a fresh shared secret for a cluster, in a file only its owner can read.
import { generateSecret } from "../dist/rpc/generate_secret.ts";
import { newProgram } from "./flags.ts";
import { runCommand } from "./run_command.ts";
import { writeSecretFile } from "./write_secret_file.ts";

if (import.meta.main) {
  await runCommand("secret", async () => {
    const o = newProgram(
      "secret",
      "write a fresh shared secret (64 hex characters) for --secret_file, mode 0600",
    )
      .option("--out <file>", "the file to write (without it, the secret goes to stdout)")
      .option("--overwrite", "replace an existing --out file")
      .parse([...Deno.args], { from: "user" })
      .opts();
    if (o.out === undefined) {
      console.log(generateSecret());
      return;
    }
    await writeSecretFile(o.out, Boolean(o.overwrite));
    console.error(`webgnn secret: wrote ${o.out} (mode 0600); pass --secret_file=${o.out}`);
  });
}
