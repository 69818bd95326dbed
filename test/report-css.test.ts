// scripts/report_css.py: an HTML report keeps only the CSS rules that can apply to its page. Run through the
// Python that runs the reports job (the same module run_notebooks.py imports). That the trimmed reports
// render the same was checked on screenshots of all ten notebooks' reports (pixel-identical); here, which
// rules stay and which go, on a small page.
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { describe as suite, test } from "node:test";
import { ROOT, jupyterPython } from "./helpers/jupyter";

function trim(html: string): string {
  const script = "import sys; sys.path.insert(0, 'scripts'); import report_css; sys.stdout.write(report_css.trim_report_css(sys.stdin.read()))";
  const run = spawnSync(jupyterPython(), ["-c", script], { cwd: ROOT, input: html, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  return run.stdout;
}

const css = `
/* a licence comment that goes */
:root {
  --jp-used: 1px;
  --jp-indirect: red;
  --jp-via: var(--jp-indirect);
  --jp-unused: url("data:image/svg+xml;charset=utf-8,<svg>;{}</svg>");
  --jp-inline: blue;
}
.jp-Cell { border: var(--jp-used) solid var(--jp-via); }
.jp-Absent, .jp-Cell > .jp-Present { color:   green; }
.jp-Absent .jp-Cell { color: red; }
#present-id:hover::before { content: "a{b;c}"; }
#absent-id { color: red; }
div.jp-Cell:not(.jp-Absent) { margin: 0; }
button.jp-Cell { color: red; }
.jp-FromScript { color: purple; }
[data-jp-theme-light="true"] .jp-Cell { background: white; }
@media print { .jp-Cell { display: block; } .jp-Absent { display: none; } }
@media (max-width: 10px) { .jp-Absent { display: none; } }
@font-face { font-family: "X"; src: url(x.woff); }
@keyframes spin { from { transform: rotate(0deg); } to { transform: rotate(360deg); } }
`;

const page = `<!DOCTYPE html><html><head><style type="text/css">${css}</style>
<script>document.body.classList.add("jp-FromScript");</script></head>
<body data-jp-theme-light="true"><div class="jp-Cell"><span class="jp-Present" id="present-id" style="color: var(--jp-inline)">x</span></div></body></html>`;

suite("report CSS: only the rules that can apply", () => {
  const trimmed = trim(page);
  const style = /<style type="text\/css">([^]*?)<\/style>/.exec(trimmed)![1]!;

  test("rules naming a class, id or element the page lacks go; the others stay, selector by selector", () => {
    assert.match(style, /\.jp-Cell\{border:var\(--jp-used\) solid var\(--jp-via\)\}/);
    assert.match(style, /\}\.jp-Cell ?> ?\.jp-Present\{color:green\}/, "only the matching selector of a list stays");
    assert.match(style, /#present-id:hover::before\{content:"a\{b;c\}"\}/, "pseudo-classes and strings with braces survive");
    assert.match(style, /div\.jp-Cell:not\(\.jp-Absent\)\{margin:0\}/);
    assert.match(style, /\.jp-FromScript\{color:purple\}/, "a class a page script may add stays");
    assert.match(style, /\[data-jp-theme-light="true"\] \.jp-Cell\{background:white\}/);
    assert.match(style, /@media print\{\.jp-Cell\{display:block\}\}/, "at-rules are trimmed inside");
    assert.match(style, /@font-face\{font-family: ?"X"; ?src: ?url\(x\.woff\);?\}/);
    assert.match(style, /@keyframes spin\{/);
    for (const gone of [".jp-Absent,", ".jp-Absent .jp-Cell", ".jp-Absent{", "#absent-id", "button.jp-Cell", "max-width", "licence"]) assert.ok(!style.includes(gone), `${gone} should be gone:\n${style}`);
  });

  test("custom properties stay when a kept rule or the page uses them, even through another property", () => {
    for (const kept of ["--jp-used:1px", "--jp-indirect:red", "--jp-via:var(--jp-indirect)", "--jp-inline:blue"]) assert.ok(style.includes(kept), `${kept} in\n${style}`);
    assert.ok(!style.includes("--jp-unused"), style);
  });

  test("the page itself is untouched outside its <head> styles", () => {
    assert.equal(trimmed.slice(trimmed.indexOf("</style>")), page.slice(page.indexOf("</style>")));
  });
});
