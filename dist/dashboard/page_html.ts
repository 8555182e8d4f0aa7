import uplotJs from "uplot/dist/uPlot.iife.min.js" with { type: "text" };
import uplotCss from "uplot/dist/uPlot.min.css" with { type: "text" };
import pageJs from "./page.js" with { type: "text" };
import type { ViewState } from "./view_state.ts";

const STYLE = `
body { font: 14px system-ui, sans-serif; margin: 16px; color: #222; }
h1 { font-size: 20px; margin: 0 0 4px; } h3 { font-size: 14px; margin: 4px 0; }
#status.failed { color: #c00; font-weight: bold; }
table { border-collapse: collapse; margin: 8px 0 16px; }
td, th { border: 1px solid #ccc; padding: 3px 8px; text-align: right; }
td:nth-child(2), td:nth-child(3), td:nth-child(4) { text-align: left; }
tr.failed { background: #fdd; color: #a00; } tr.left { color: #777; }
.row { display: flex; flex-wrap: wrap; gap: 16px; } .chart { min-width: 460px; }
`;

const MEMBERS = `<table id="members" hidden><thead><tr><th>rank</th><th>role</th><th>address</th>` +
  `<th>state</th><th>last heard (UTC)</th><th>epoch (step)</th><th>seeds/s</th>` +
  `<th>edges/s</th><th>remote MB/s</th><th>waiting</th><th>all-reduce</th></tr></thead>` +
  `<tbody></tbody></table>`;

/** Escapes text for an HTML script element holding JSON (no `</script>` inside). */
function scriptSafe(json: string): string {
  return json.replaceAll("<", "\\u003c").replaceAll("\u2028", "\\u2028").replaceAll(
    "\u2029",
    "\\u2029",
  );
}

/**
 * The page, whole in one file: uPlot's code and style, the page's script and
 * `state` inline, so it opens offline (the report) and needs nothing but its
 * own server (the live page, which then follows the WebSocket).
 *
 * @example
 * ```ts
 * import { pageHtml } from "./page_html.ts";
 * const html = pageHtml({ title: "webgnn report", live: false, members: [], runs: [], shutdown: null });
 * console.assert(html.startsWith("<!doctype html>") && !html.includes("http://"));
 * ```
 */
export function pageHtml(state: ViewState): string {
  const title = state.title.replace(/[<&]/g, (c) => c === "<" ? "&lt;" : "&amp;");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${title}</title>
<style>${uplotCss}${STYLE}</style></head>
<body><h1 id="title">${title}</h1><div id="status"></div>
${MEMBERS}
<div id="curves" class="row"></div><div id="bars" class="row"></div>
<script id="state" type="application/json">${scriptSafe(JSON.stringify(state))}</script>
<script>${uplotJs}</script>
<script>${pageJs}</script>
</body></html>
`;
}
