// Renders `aiot-lens graph --svg` drawings to PNG with headless Chromium, to look at what the graph view draws.
// usage: node --import tsx bench/graph-screenshot.ts IN.svg OUT.png [widthPx] [heightPx] [scale] [yOffsetPx]

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

async function main(): Promise<void> {
  const [svgPath, pngPath, w = '1000', h = '1400', scale = '1', y = '0'] = process.argv.slice(2);
  if (!svgPath || !pngPath) throw new Error('usage: graph-screenshot IN.svg OUT.png [width] [height] [scale]');
  const svg = readFileSync(svgPath, 'utf8');
  const userDir = mkdtempSync(join(tmpdir(), 'aiot-chromium-'));
  const browser = await chromium.launchPersistentContext(userDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
    viewport: { width: Number(w), height: Number(h) + Number(y) },
    deviceScaleFactor: Number(scale),
  });
  try {
    const page = browser.pages()[0] ?? (await browser.newPage());
    await page.setContent(`<html><body style="margin:0">${svg}</body></html>`);
    await page.screenshot({ path: pngPath, clip: { x: 0, y: Number(y), width: Number(w), height: Number(h) }, fullPage: true });
  } finally {
    await browser.close();
    rmSync(userDir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(`graph-screenshot: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
});
