// Shared helpers for the browser journeys: start a real `motcua serve` on a
// fresh data directory, launch Debian's chromium through playwright-core,
// take screenshots, and run axe-core.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const require = createRequire(import.meta.url);

/** Where screenshots go; scripts/test prints it. */
export const SCREENSHOTS = process.env.MOTCUA_SCREENSHOTS ?? join(root, 'artifacts', 'screenshots');

/**
 * Starts `motcua serve` on port 0 with a fresh data dir; resolves to { url, stop }.
 * `options.setup` lists `motcua` command lines (arrays of arguments) run on
 * that data dir first, e.g. to import residents or create grants.
 */
export async function startServer(options = {}) {
  const bin = process.env.MOTCUA_BIN ?? join(root, 'target', 'debug', 'motcua');
  const dataDir = mkdtempSync(join(tmpdir(), 'motcua-web-'));
  for (const args of options.setup ?? []) {
    const run = spawnSync(bin, [...args, '--data-dir', dataDir], {
      env: { ...process.env, MOTCUA_LOG: 'warn' }, encoding: 'utf8',
    });
    if (run.status !== 0) throw new Error(`motcua ${args.join(' ')} failed: ${run.stderr}`);
  }
  // --demo: the journeys log in with the development login (loopback only).
  const child = spawn(bin, ['serve', '--demo', '--listen', '127.0.0.1:0', '--data-dir', dataDir], {
    env: { ...process.env, MOTCUA_LOG: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`motcua did not start: ${seen}`)), 60_000);
    child.stdout.on('data', (chunk) => {
      seen += chunk.toString();
      const match = seen.match(/http:\/\/[0-9.:]+/);
      if (match) { clearTimeout(timer); resolve(match[0]); }
    });
    child.on('exit', (code) => reject(new Error(`motcua exited early with ${code}: ${seen}`)));
  });
  return {
    url,
    bin,
    dataDir,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Launches headless chromium with the flags this closed network needs. */
export async function launchBrowser() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** Where the HTML of every checked page goes, for the Nu checker (scripts/html-check). */
export const HTML_PAGES = join(SCREENSHOTS, '..', 'html');

/**
 * Screenshots a page at desktop (1366x768) and phone (390x844) widths, and
 * saves its HTML to HTML_PAGES/<name>.html for the Nu HTML checker.
 */
export async function screenshots(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  mkdirSync(HTML_PAGES, { recursive: true });
  writeFileSync(join(HTML_PAGES, `${name}.html`), await page.content());
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-desktop.png`), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}-phone.png`), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
}

/** Runs axe-core on the page; returns the serious and critical violations. */
export async function seriousViolations(page) {
  const source = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  const tag = await page.addScriptTag({ content: source });
  const result = await page.evaluate(async () => window.axe.run(document));
  // The page's own HTML again, for the Nu checker (see screenshots()).
  await tag.evaluate((el) => el.remove());
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.length} nodes)`);
}
