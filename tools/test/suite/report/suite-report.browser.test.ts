import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS, findChromium } from '../../helpers/chromium';
import { fakeRehearse } from '../../helpers/rehearsal-result';
import { ROOT } from '../../local/rehearse-local';
import { rehearseSuite } from '../rehearse-suite';

const CHROMIUM = findChromium('the suite report browser test');

(CHROMIUM ? describe : describe.skip)('suite index.html in headless Chromium', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'rehearsal-suite-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  test('shows the scorecard, links every row to its own report, and charts detection against the model', async () => {
    const run = await rehearseSuite(['--faults', 'none,health-fail', '--time-scale', '20', '--report', dir]);
    expect(run.code).toBe(0);
    const summary = await readFile(path.join(dir, 'summary.md'), 'utf8');
    expect(summary).toMatch(
      /^## Rollback rehearsal suite: all 2 rehearsals matched the catalogue on codedeploy$/m,
    );

    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
      const index = pathToFileURL(path.join(dir, 'index.html')).href;
      await page.goto(index);
      const rows = page.locator('#scorecard tr[data-fault]');
      expect(await rows.count()).toBe(2);
      for (const [i, outcome] of ['succeeded', 'rolled-back'].entries()) {
        const link = rows.nth(i).locator('td a');
        const href = await link.getAttribute('href');
        expect(await rows.nth(i).locator('td').nth(2).textContent()).toBe(outcome);
        // The link resolves to that rehearsal's own report, which names the same outcome.
        await page.goto(new URL(href!, index).href);
        expect(await page.locator('#outcome').textContent()).toBe(outcome);
        await page.goto(index);
      }

      const chart = page.locator('svg#detection-chart');
      expect((await chart.boundingBox())?.width).toBeGreaterThan(600);
      // health-fail has both a measured detection and a modelled AWS time; the healthy release neither.
      expect(await page.locator('#detection-chart rect.bar-measured').count()).toBe(1);
      expect(await page.locator('#detection-chart rect.bar-modelled').count()).toBe(1);
      expect((await page.locator('#detection-chart rect.bar-measured').boundingBox())?.width).toBeGreaterThan(
        10,
      );

      // Kept for a person to look at: reports/ is where CI collects artefacts.
      await page.screenshot({
        path: path.join(ROOT, 'reports', 'rehearsal-suite-index.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  }, 60_000);

  test("with both controllers: one row per fault, each controller's outcome linking to its own report", async () => {
    const both = path.join(dir, 'both');
    const run = await rehearseSuite(
      ['--controller', 'both', '--faults', 'none,health-fail,dependency-down', '--report', both],
      { sleep: () => Promise.resolve() },
      { rehearse: fakeRehearse() },
    );
    expect(run.code).toBe(0);

    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: CHROMIUM_FLAGS });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
      const index = pathToFileURL(path.join(both, 'index.html')).href;
      await page.goto(index);
      expect(await page.locator('#headline').textContent()).toContain('on codedeploy and ecs');
      const heads = page.locator('#scorecard tr.controllers th[data-controller]');
      expect(await heads.allTextContents()).toEqual(['codedeploy', 'ecs']);
      // Each controller's heading spans its own five columns.
      const [cd, ecs] = [await heads.nth(0).boundingBox(), await heads.nth(1).boundingBox()];
      expect(ecs!.x).toBeGreaterThanOrEqual(cd!.x + cd!.width - 1);
      const rows = page.locator('#scorecard tr[data-fault]');
      expect(await rows.count()).toBe(3);
      for (const [i, [fault, outcome]] of [
        ['none', 'succeeded'],
        ['health-fail', 'rolled-back'],
      ].entries()) {
        expect(await rows.nth(i).getAttribute('data-fault')).toBe(fault);
        const links = rows.nth(i).locator('td a');
        const hrefs = await Promise.all([0, 1].map((n) => links.nth(n).getAttribute('href')));
        expect(hrefs.map((h) => h!.split('/')[0])).toEqual(['codedeploy', 'ecs']);
        for (const href of hrefs) {
          await page.goto(new URL(href!, index).href);
          expect(await page.locator('#outcome').textContent()).toBe(outcome);
          await page.goto(index);
        }
      }
      // Every chart label, the longest fault on codedeploy included, lies inside the chart.
      const chart = await page.locator('svg#detection-chart').boundingBox();
      const labels = page.locator('#detection-chart text.label');
      expect(await labels.count()).toBe(4);
      for (const box of await Promise.all((await labels.all()).map((l) => l.boundingBox())))
        expect(box!.x).toBeGreaterThanOrEqual(chart!.x);
      await page.screenshot({
        path: path.join(ROOT, 'reports', 'rehearsal-suite-both-index.png'),
        fullPage: true,
      });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
