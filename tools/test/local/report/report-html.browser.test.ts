import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, findChromium } from '../../helpers/chromium';
import { ROOT, rehearseLocal } from '../rehearse-local';

const CHROMIUM = findChromium('the HTML report browser test');

(CHROMIUM ? describe : describe.skip)('rehearsal HTML report in headless Chromium', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rehearsal-report-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('writes Markdown and JSON, and an HTML page whose chart shows the traffic and the rollback marker', async () => {
    const run = await rehearseLocal(['health-fail', '--time-scale', '20', '--report', dir]);
    expect(run.json.outcome).toBe('rolled-back');
    const markdown = await readFile(path.join(dir, 'report.md'), 'utf8');
    expect(markdown).toMatch(/^# Local rehearsal \(CodeDeploy\): rolled-back/);
    expect(markdown).toContain('| matched | yes |');
    const json = JSON.parse(await readFile(path.join(dir, 'report.json'), 'utf8'));
    expect(json).toMatchObject({
      outcome: 'rolled-back',
      matched: true,
      expected: { outcome: 'rolled-back' },
    });

    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
      await page.goto(pathToFileURL(path.join(dir, 'report.html')).href);
      expect(await page.locator('#outcome').textContent()).toBe('rolled-back');

      const chart = page.locator('svg#timeline-chart');
      const box = await chart.boundingBox();
      expect(box?.width).toBeGreaterThan(400);
      expect(box?.height).toBeGreaterThan(200);

      const marker = page.locator('#rollback-marker line');
      expect(await marker.count()).toBe(1);
      const markerBox = await marker.boundingBox();
      expect(markerBox?.height).toBeGreaterThan(100);

      // Blue answered requests throughout: its line has points and a drawn extent.
      const blue = page.locator('polyline.series-blue');
      expect((await blue.getAttribute('points'))?.split(' ').length).toBeGreaterThan(3);
      expect((await blue.boundingBox())?.width).toBeGreaterThan(100);

      // Kept for a person to look at: reports/ is where CI collects artefacts.
      await page.screenshot({
        path: path.join(ROOT, 'reports', 'local-rehearsal-report.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
