/**
 * The real app, as a user meets it: a share link restores an experiment, a bad link gets a clear
 * message while the app keeps working, and Run trains from the page (cpu backend, tiny config).
 */
import { expect, test } from '@playwright/test';
import { encodeExperiment, hashFor } from '../../src/core/share/codec';
import { tinyExperiment } from './lab';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

const tiny = tinyExperiment();

test('a share link restores its experiment and Run trains it to the end', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(APP + hashFor(await encodeExperiment(tiny)));
  await expect(page.getByText('Opened “Shared tiny experiment” from the link')).toBeVisible();
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true); // `vite preview` sends COOP/COEP
  await expect(page.getByLabel('Name', { exact: true })).toHaveValue('Shared tiny experiment');
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('6');

  await page.getByRole('button', { name: '▶ Run', exact: true }).click();
  const row = page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' });
  await expect(row).toContainText('done', { timeout: 90_000 });
  await expect(row).toContainText('cpu');
  await expect(row).toContainText('6/6');

  await page.getByRole('tab', { name: 'Rollouts' }).click();
  await expect(page.getByText(/advantage/i).first()).toBeVisible();

  // Runs persist in IndexedDB and come back after a reload, with their records.
  await page.waitForTimeout(1500); // saves are debounced (about once a second)
  await page.reload();
  await expect(page.locator('tr', { hasText: 'focal' }).filter({ hasText: 'diary' })).toContainText('6/6');
  expect(errors).toEqual([]);
});

test('a run stopped mid-way survives a reload with its checkpoint and resumes from it', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const long = tinyExperiment({
    name: 'Resumable experiment',
    steps: 200,
    eval: { every: 0, samples: 1 },
    variants: [{ name: 'resumable', overrides: { method: { method: 'static' } } }],
  });
  await page.goto(APP + hashFor(await encodeExperiment(long)));
  await expect(page.getByLabel('Steps', { exact: true })).toHaveValue('200');
  await page.getByRole('button', { name: '▶ Run', exact: true }).click();

  const row = () => page.locator('tr', { hasText: 'resumable' }).filter({ hasText: 'diary' });
  const stepOf = async (): Promise<number> => {
    const match = /(\d+)\/200/.exec((await row().textContent()) ?? '');
    return match ? Number(match[1]) : -1;
  };
  // Past the second checkpoint (one every 10 steps), then stop.
  await expect.poll(stepOf, { timeout: 90_000 }).toBeGreaterThanOrEqual(25);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(row()).toContainText('stopped', { timeout: 30_000 });
  const stoppedAt = await stepOf();
  expect(stoppedAt).toBeGreaterThanOrEqual(25);
  expect(stoppedAt).toBeLessThan(200);

  await page.waitForTimeout(1500); // saves are debounced (about once a second)
  await page.reload();
  await expect(row()).toContainText(`${stoppedAt}/200`);
  await expect(row()).toContainText('saved');
  const resume = row().getByRole('button', { name: 'resume', exact: true });
  const checkpointOf = async (): Promise<number> =>
    Number(/step (\d+)/.exec((await resume.getAttribute('title')) ?? '')?.[1] ?? NaN);
  const firstCheckpoint = await checkpointOf();
  expect(firstCheckpoint).toBeGreaterThanOrEqual(20);
  expect(firstCheckpoint).toBeLessThanOrEqual(stoppedAt);
  await resume.click();
  await expect(resume).toHaveCount(0); // live again
  // Records up to the checkpoint are kept (a restart from scratch would show 0/200).
  expect(await stepOf()).toBeGreaterThanOrEqual(20);
  await expect.poll(stepOf, { timeout: 90_000 }).toBeGreaterThan(stoppedAt);
  await expect(row()).not.toContainText('saved');

  // The resumed run is saved again, with its newer checkpoint: a second reload can resume it too.
  await expect.poll(stepOf, { timeout: 90_000 }).toBeGreaterThanOrEqual(stoppedAt + 15);
  await page.getByRole('button', { name: 'Stop', exact: true }).click();
  await expect(row()).toContainText('stopped', { timeout: 30_000 });
  const stoppedAgain = await stepOf();
  await page.waitForTimeout(1500);
  await page.reload();
  await expect(row()).toContainText(`${stoppedAgain}/200`);
  await expect(resume).toBeVisible();
  expect(await checkpointOf()).toBeGreaterThan(firstCheckpoint);
  expect(errors).toEqual([]);
});

test('a bad link gets a message naming the problem, and the app keeps its defaults', async ({ page }) => {
  await page.goto(APP + '#x=%%%not-base64');
  await expect(page.getByText('This link could not be opened')).toBeVisible();
  await expect(page.getByText('not base64url text')).toBeVisible();
  await expect(page.getByRole('button', { name: /^▶ Run/ })).toBeEnabled();

  const invalid = { ...tiny, steps: 0 } as unknown as typeof tiny;
  await page.goto(APP + hashFor(await encodeExperiment(invalid)));
  await expect(page.getByText(/steps: .*>=\s*1/)).toBeVisible();
});
