/** The dashboard's HTML: the skeleton its script fills. Static, so it is built once. */

const escapeHtml = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

/** The page served at `/`. */
export const dashboardPage = (rawTitle: string): string => {
  const title = escapeHtml(rawTitle)
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/dashboard/app.css">
<script type="module" src="/dashboard/app.js"></script>
</head>
<body>
<header>
  <h1>${title}</h1>
  <p>live aggregates · <a href="/docs">API docs</a> · <a href="/metrics">metrics</a></p>
  <p id="live-status" role="status">connecting…</p>
</header>
<main>
  <section class="wide" aria-labelledby="pipelines-title">
    <h2 id="pipelines-title">Pipelines <span class="hint">records merged and what went wrong, since the server started</span></h2>
    <table>
      <thead><tr>
        <th scope="col">Pipeline</th><th scope="col">Monoid</th><th scope="col">Window</th><th scope="col">Retention</th>
        <th scope="col" class="num">Merged</th><th scope="col" class="num">Retries</th>
        <th scope="col" class="num">Dead letters</th><th scope="col" class="num">Decode errors</th>
      </tr></thead>
      <tbody id="pipelines-body"></tbody>
    </table>
  </section>
  <section aria-labelledby="progress-title">
    <h2 id="progress-title">Drivers <span class="hint">records/s and lag per shard, every second</span></h2>
    <div id="drivers-summary" class="stats"></div>
    <div id="throughput-chart" role="img" aria-label="Records per second of each driver over the last two minutes"></div>
    <table>
      <thead><tr>
        <th scope="col">Driver</th><th scope="col">Pipeline</th><th scope="col">Shard</th>
        <th scope="col" class="num">Records</th><th scope="col" class="num">Records/s</th><th scope="col" class="num">Behind tip</th>
      </tr></thead>
      <tbody id="shards-body"></tbody>
    </table>
  </section>
  <section aria-labelledby="top-title">
    <h2 id="top-title">Top keys</h2>
    <div class="form">
      <label for="top-last">Windowed pipelines over the last
        <select id="top-last">
          <option value="1h">1 hour</option><option value="6h" selected>6 hours</option><option value="24h">24 hours</option><option value="7d">7 days</option>
        </select>
      </label>
    </div>
    <div id="top-tables"></div>
  </section>
  <section aria-labelledby="series-title">
    <h2 id="series-title">One key across its buckets</h2>
    <form id="series-form">
      <label for="series-pipeline">Pipeline <select id="series-pipeline"></select></label>
      <label for="series-key">Key <input id="series-key" type="text" required spellcheck="false"></label>
      <label for="series-last">Last <input id="series-last" type="text" value="12h" size="6" spellcheck="false"></label>
      <button type="submit">Chart</button>
    </form>
    <div id="series-chart" role="img" aria-label="The key's value in each bucket"></div>
    <p id="series-summary" aria-live="polite"></p>
  </section>
  <section aria-labelledby="console-title">
    <h2 id="console-title">Query console <span class="hint">any key, window or range</span></h2>
    <form id="console-form">
      <label for="console-pipeline">Pipeline <select id="console-pipeline"></select></label>
      <label for="console-keys">Keys (comma-separated) <input id="console-keys" type="text" required spellcheck="false" size="28"></label>
      <fieldset>
        <legend>Read</legend>
        <label><input type="radio" name="console-mode" value="value">all-time</label>
        <label><input type="radio" name="console-mode" value="window" checked>last</label>
        <label><input type="radio" name="console-mode" value="range">range</label>
      </fieldset>
      <label for="console-last">Last <input id="console-last" type="text" value="1h" size="6" spellcheck="false"></label>
      <label for="console-start">Start (ISO-8601) <input id="console-start" type="text" size="20" spellcheck="false"></label>
      <label for="console-end">End (ISO-8601) <input id="console-end" type="text" size="20" spellcheck="false"></label>
      <button type="submit">Query</button>
    </form>
    <p id="console-url"></p>
    <div id="console-result" aria-live="polite"></div>
    <details><summary>JSON answer</summary><pre id="console-json"></pre></details>
  </section>
</main>
</body>
</html>
`
}
