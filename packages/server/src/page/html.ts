/** The page at `/`: upload, pick a style or a painting, watch it work, compare, download. */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Impasto</title>
<style>
  :root { --ink: #1d1b19; --paper: #f7f3ec; --line: #d9d0c2; --accent: #b5532f; --muted: #6e665c; }
  * { box-sizing: border-box; }
  [hidden] { display: none !important; }
  body { margin: 0; font: 16px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--paper); }
  header { padding: 28px 24px 8px; max-width: 1040px; margin: 0 auto; }
  h1 { margin: 0; font-size: 30px; letter-spacing: -0.5px; }
  header p { margin: 4px 0 0; color: var(--muted); }
  main { max-width: 1040px; margin: 0 auto; padding: 8px 24px 48px; display: grid; gap: 22px; }
  section h2 { font-size: 15px; text-transform: uppercase; letter-spacing: 1px; color: var(--muted); margin: 0 0 10px; }
  #drop { border: 2px dashed var(--line); border-radius: 14px; min-height: 180px; display: grid; place-items: center; text-align: center; cursor: pointer; background: #fffdf9; transition: border-color .15s, background .15s; overflow: hidden; }
  #drop.over { border-color: var(--accent); background: #fff5ee; }
  #drop img { max-width: 100%; max-height: 320px; display: block; }
  #drop .hint { color: var(--muted); padding: 24px; }
  #gallery { display: grid; grid-template-columns: repeat(auto-fill, minmax(128px, 1fr)); gap: 12px; }
  .style { border: 2px solid transparent; border-radius: 12px; padding: 0; background: #fffdf9; cursor: pointer; text-align: left; overflow: hidden; box-shadow: 0 1px 2px rgba(0,0,0,.08); font: inherit; color: inherit; }
  .style img, .style .own { width: 100%; aspect-ratio: 3 / 2; object-fit: cover; display: block; background: #e9e2d6; }
  .style .own { display: grid; place-items: center; font-size: 30px; color: var(--muted); }
  .style span { display: block; padding: 6px 8px 8px; font-size: 13px; }
  .style small { color: var(--muted); display: block; }
  .style[aria-pressed="true"] { border-color: var(--accent); }
  #own-options { display: none; gap: 16px; align-items: center; margin-top: 10px; color: var(--muted); font-size: 14px; }
  #own-options.on { display: flex; }
  .row { display: flex; gap: 12px; align-items: center; flex-wrap: wrap; }
  button.primary { background: var(--accent); color: white; border: 0; border-radius: 10px; padding: 12px 22px; font-size: 16px; cursor: pointer; }
  button.primary:disabled { opacity: .45; cursor: default; }
  button.plain { background: none; border: 1px solid var(--line); border-radius: 10px; padding: 10px 16px; cursor: pointer; font: inherit; }
  progress { width: 100%; height: 10px; accent-color: var(--accent); }
  #status { color: var(--muted); min-height: 1.4em; }
  #status.error { color: #a3201a; }
  #checkpoints { display: flex; gap: 8px; overflow-x: auto; }
  #checkpoints img { height: 72px; border-radius: 6px; }
  #compare { position: relative; display: none; max-width: 100%; user-select: none; border-radius: 12px; overflow: hidden; box-shadow: 0 2px 8px rgba(0,0,0,.15); }
  #compare.on { display: inline-block; }
  #compare img { display: block; max-width: 100%; }
  #compare .after { position: absolute; inset: 0; overflow: hidden; }
  #compare .after img { max-width: none; height: 100%; }
  #compare input { position: absolute; inset: 0; width: 100%; height: 100%; opacity: 0; cursor: ew-resize; margin: 0; }
  #compare .bar { position: absolute; top: 0; bottom: 0; width: 2px; background: white; box-shadow: 0 0 4px rgba(0,0,0,.5); pointer-events: none; }
  #result { display: grid; justify-items: start; }
  .labels { display: flex; justify-content: space-between; font-size: 13px; color: var(--muted); width: var(--shown, 100%); }
  footer { color: var(--muted); font-size: 13px; }
  a { color: var(--accent); }
</style>
</head>
<body>
<header>
  <h1>Impasto</h1>
  <p>Choose a photo, choose a style, and get yourself a cup of coffee.</p>
</header>
<main>
  <section>
    <h2>1 · Your photo</h2>
    <div id="drop" tabindex="0" role="button" aria-label="Choose a photo"><div class="hint">Drop a photo here, or click to choose one</div></div>
    <input id="photo" type="file" accept="image/*" hidden>
  </section>
  <section>
    <h2>2 · A style</h2>
    <div id="gallery"></div>
    <input id="painting" type="file" accept="image/*" hidden>
    <div id="own-options">
      <label><input type="radio" name="engine" value="ast" checked> quick (one pass)</label>
      <label><input type="radio" name="engine" value="nst"> slow and detailed (optimised, a few minutes)</label>
    </div>
  </section>
  <section>
    <div class="row">
      <button id="go" class="primary" disabled>Stylize</button>
      <button id="cancel" class="plain" hidden>Cancel</button>
      <a id="download" hidden download>Download</a>
    </div>
    <p id="status" aria-live="polite"></p>
    <progress id="progress" max="1" value="0" hidden></progress>
    <div id="checkpoints"></div>
  </section>
  <section id="result">
    <div id="compare">
      <img id="before" alt="your photo">
      <div class="after"><img id="after" alt="the result"></div>
      <div class="bar"></div>
      <input id="split" type="range" min="0" max="100" value="50" aria-label="before and after">
    </div>
      <div class="labels" id="labels" hidden><span>before</span><span>after</span></div>
  </section>
  <footer>The nine styles are Logan Engstrom's networks, free for research use; see <a href="/v1/styles">/v1/styles</a>. API: <a href="/openapi.json">/openapi.json</a>.</footer>
</main>
<script type="module" src="/app.js"></script>
</body>
</html>
`;
