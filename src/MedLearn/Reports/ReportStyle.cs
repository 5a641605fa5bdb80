namespace MedLearn.Reports;

/// <summary>
/// The style sheet shared by MedLearn's report pages (inlined in each page's <c>&lt;style&gt;</c>; no fonts or other
/// files are fetched). Readable on screen and on paper: print drops backgrounds and shadows, keeps charts, tables
/// and figures on one page.
/// </summary>
public static class ReportStyle
{
    /// <summary>The CSS text.</summary>
    public const string Css = """
:root {
  --ink: #1f2933; --muted: #52606d; --faint: #7b8794; --line: #e4e7eb; --bg: #f5f7fa; --card: #ffffff;
  --accent: #2f6690; --ok: #2f855a; --ok-bg: #e6f4ea; --bad: #c53030; --bad-bg: #fdecec;
}
* { box-sizing: border-box; }
html { background: var(--bg); }
body { margin: 0; color: var(--ink); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "DejaVu Sans", sans-serif; }
main.report { max-width: 1120px; margin: 0 auto; padding: 28px 24px 40px; }
header.report-header { background: var(--card); border: 1px solid var(--line); border-top: 4px solid var(--accent); border-radius: 10px; padding: 20px 24px 18px; }
.eyebrow { color: var(--accent); font-size: 12px; font-weight: 600; letter-spacing: .08em; text-transform: uppercase; }
h1 { margin: 2px 0 10px; font-size: 26px; line-height: 1.25; }
h2 { margin: 0 0 14px; font-size: 18px; padding-bottom: 6px; border-bottom: 1px solid var(--line); }
h3 { margin: 0 0 8px; font-size: 15px; color: var(--muted); font-weight: 600; }
dl.run-meta { display: flex; flex-wrap: wrap; gap: 4px 28px; margin: 0; }
dl.run-meta div { min-width: 0; }
dl.run-meta dt { display: inline; color: var(--muted); font-weight: 600; margin-right: 6px; }
dl.run-meta dd { display: inline; margin: 0; overflow-wrap: anywhere; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(180px, 1fr)); gap: 12px; margin-top: 16px; }
.tile { border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; background: #fbfcfd; }
.tile .name { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .04em; }
.tile .value { font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; line-height: 1.2; }
.tile .ci { color: var(--faint); font-size: 12px; font-variant-numeric: tabular-nums; }
nav.toc { margin: 14px 2px 0; font-size: 13px; color: var(--muted); display: flex; flex-wrap: wrap; row-gap: 4px; }
nav.toc a { color: var(--accent); text-decoration: none; margin-right: 14px; white-space: nowrap; }
nav.toc a:hover { text-decoration: underline; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 18px 22px 20px; margin-top: 18px; }
.grid-2 { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 18px 24px; align-items: start; }
/* A wide table scrolls inside its grid cell instead of spilling out of the card. */
.grid-2 > div { min-width: 0; overflow-x: auto; }
figure { margin: 0; min-width: 0; }
figure.chart { text-align: center; }
svg { max-width: 100%; height: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: right; white-space: nowrap; }
th { color: var(--muted); font-size: 12px; font-weight: 600; text-transform: uppercase; letter-spacing: .03em; border-bottom: 2px solid var(--line); }
th:first-child, td:first-child { text-align: left; white-space: normal; }
tbody tr:nth-child(even) td { background: #fafbfc; }
tfoot td { font-weight: 600; border-top: 2px solid var(--line); border-bottom: none; }
.num-muted { color: var(--faint); }
p.na { margin: 0; padding: 14px 16px; color: var(--muted); background: #f8f9fb; border: 1px dashed #cbd2d9; border-radius: 8px; font-style: italic; }
p.lead { margin: 0 0 12px; color: var(--muted); }
details { margin-top: 14px; }
summary { cursor: pointer; color: var(--accent); font-weight: 600; }
details table { margin-top: 8px; }
.samples { display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 12px; }
.sample { border: 1px solid var(--line); border-radius: 8px; padding: 8px; background: #fff; border-top: 4px solid var(--ok); }
.sample.wrong { border-top-color: var(--bad); background: var(--bad-bg); }
.sample img, .sample .no-image { display: block; width: 100%; aspect-ratio: 1 / 1; object-fit: contain; background: #111; border-radius: 4px; }
.sample .no-image { background: #e4e7eb; }
.sample figcaption { margin-top: 6px; font-size: 12px; line-height: 1.4; }
.sample .verdict { display: inline-block; font-size: 11px; font-weight: 700; padding: 0 6px; border-radius: 9px; color: #fff; background: var(--ok); text-transform: uppercase; letter-spacing: .04em; }
.sample.wrong .verdict { background: var(--bad); }
.sample .prob { float: right; color: var(--muted); font-variant-numeric: tabular-nums; }
.sample .caption { color: var(--faint); overflow-wrap: anywhere; }
.tile .unit { font-size: 14px; font-weight: 500; color: var(--muted); }
.tiles.latency { margin: 0 0 12px; }
p.latency-setup { margin: 0; }
p.latency-setup b { color: var(--ink); font-weight: 600; }
pre.config { margin: 0; padding: 14px 16px; background: #f8f9fb; border: 1px solid var(--line); border-radius: 8px; overflow: auto; max-height: 520px;
  font: 12.5px/1.5 ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; white-space: pre; }
code { font-family: ui-monospace, "SFMono-Regular", Menlo, Consolas, "DejaVu Sans Mono", monospace; font-size: .92em; }
footer { margin-top: 22px; color: var(--faint); font-size: 12px; text-align: center; }
@page { size: A4; margin: 14mm; }
@media print {
  html, body { background: #fff; }
  main.report { max-width: none; padding: 0; }
  header.report-header, section { border: none; border-radius: 0; padding: 0; margin-top: 18px; box-shadow: none; }
  header.report-header { border-top: 3px solid var(--accent); padding-top: 8px; }
  nav.toc { display: none; }
  h2 { break-after: avoid; }
  figure, table, .tile, .sample, pre.config { break-inside: avoid; }
  pre.config { max-height: none; overflow: visible; white-space: pre-wrap; }
  .grid-2 { grid-template-columns: 1fr 1fr; }
  tbody tr:nth-child(even) td { background: none; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  details::details-content { content-visibility: visible; }
}
""";
}
