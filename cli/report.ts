import { newProgram } from "./flags.ts";
import { HeadlessChromium } from "./headless_chromium.ts";
import { runCommand } from "./run_command.ts";
import { UsageError } from "./usage_error.ts";
import { pageHtml } from "../dist/dashboard/page_html.ts";
import { readRuns } from "../dist/dashboard/read_runs.ts";
import { reportSvg } from "../dist/dashboard/report_svg.ts";

/**
 * The `report` command: the curves (loss, validation and test accuracy per
 * epoch) and the stacked per-epoch time split of finished runs, from their
 * `--metrics` files, as one self-contained HTML page (uPlot inline; opens
 * offline), an SVG, or a PNG (the HTML page photographed by a headless
 * Chromium). Each `--metrics` is one run, `[NAME=]FILE[,FILE...]` with one
 * file per rank; several are drawn side by side. Returns the path written.
 *
 * @example
 * ```ts ignore
 * import { reportCommand } from "./report.ts";
 * await reportCommand(["--metrics=1 node=m.jsonl", "--metrics=2 nodes=m0.jsonl,m1.jsonl", "--out=r.html"]);
 * ```
 */
export async function reportCommand(args: readonly string[]): Promise<string> {
  const o = newProgram("report", "plot finished runs from their --metrics files")
    .option(
      "--metrics <runs>",
      "one run: [NAME=]FILE[,FILE...] (one file per rank); repeat for a side-by-side",
      (v: string, all: string[]) => [...all, v],
      [] as string[],
    )
    .option("--out <path>", "report.html, report.svg or report.png", "report.html")
    .option("--title <text>", "the report's title", "webgnn training report")
    .parse([...args], { from: "user" }).opts<
    { metrics: string[]; out: string; title: string }
  >();
  if (o.metrics.length === 0) throw new UsageError("--metrics: name at least one metrics file");
  const kind = o.out.match(/\.(html|svg|png)$/i)?.[1]?.toLowerCase();
  if (!kind) throw new UsageError(`--out=${o.out}: expected a path ending in .html, .svg or .png`);
  let runs;
  try {
    runs = await readRuns(o.metrics);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const html = () => pageHtml({ title: o.title, live: false, members: [], runs, shutdown: null });
  if (kind === "svg") await Deno.writeTextFile(o.out, reportSvg(o.title, runs));
  else if (kind === "html") await Deno.writeTextFile(o.out, html());
  else await Deno.writeFile(o.out, await photograph(html()));
  return o.out;
}

/** The page rendered by a headless Chromium, as PNG. */
async function photograph(html: string): Promise<Uint8Array> {
  const dir = await Deno.makeTempDir({ prefix: "webgnn-report-" });
  const browser = await HeadlessChromium.start();
  try {
    await Deno.writeTextFile(`${dir}/report.html`, html);
    await browser.open(`file://${dir}/report.html`, 980, 700);
    await browser.waitFor(`document.querySelectorAll(".chart canvas").length > 0`, 10_000);
    return await browser.screenshot();
  } finally {
    await browser.close();
    await Deno.remove(dir, { recursive: true });
  }
}

if (import.meta.main) {
  await runCommand("report", async () => {
    console.log(`webgnn report: wrote ${await reportCommand(Deno.args)}`);
  });
}
