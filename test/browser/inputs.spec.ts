/**
 * Input from outside, in the real app: a bad experiment file is refused and the form keeps what
 * the user had; a link nested thousands of levels deep gets a message (not a stack overflow).
 */
import { expect, test, type Page } from '@playwright/test';
import { hashFor, toBase64Url } from '../../src/core/share/codec';

const APP = `http://127.0.0.1:${Number(process.env.FOCAL_APP_PORT ?? 4318)}/`;

/** A link payload for this exact JSON text (deflate-raw, base64url), as the app writes one. */
async function payloadOf(json: string): Promise<string> {
  const stream = new Blob([json]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  return toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
}

function importFile(page: Page, name: string, content: string | Buffer) {
  return page.locator('input[type=file]').setInputFiles({
    name,
    mimeType: 'application/json',
    buffer: typeof content === 'string' ? Buffer.from(content) : content,
  });
}

test('a bad experiment file is refused with its problem, and the form keeps what the user had', async ({
  page,
}) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(APP);
  const name = page.getByLabel('Name', { exact: true });
  await name.fill('My own setup');
  const bad = {
    version: 1,
    name: 'Hostile',
    task: 'meadow',
    steps: 7,
    variants: [
      {
        name: 'v',
        overrides: {
          rubric: {
            criteria: [{ id: 'p', name: 'P', weight: 1, params: { kind: 'regex', pattern: '(ab' } }],
          },
        },
      },
    ],
  };
  await importFile(page, 'hostile.json', JSON.stringify(bad));
  await expect(
    page.getByText('hostile.json was not imported, and the form and the runs were kept'),
  ).toBeVisible();
  await expect(
    page.getByText(
      'variants.0.overrides.rubric.criteria.0.params.pattern: criterion "p": pattern is not a valid RE2 pattern: missing closing ): `(ab`',
    ),
  ).toBeVisible();
  await expect(name).toHaveValue('My own setup');

  await importFile(
    page,
    'typo.json',
    '{ "version": 1, "task": "meadow", "method": { "method": "focal", "gama": 3 } }',
  );
  await expect(page.getByText('method.gama: unknown field')).toBeVisible();
  await importFile(page, 'utf16.json', Buffer.from('{"version":1}', 'utf16le'));
  await expect(page.getByText(/the file holds a NUL byte \(at byte 1\)/)).toBeVisible();
  await expect(name).toHaveValue('My own setup');
  expect(errors).toEqual([]);
});

test('a link nested 5000 levels deep gets a message and the app keeps working', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const deep = `{ "version": 1, "task": "meadow", "variants": [{ "name": "v", "overrides": ${'{ "a": '.repeat(5000)}1${'}'.repeat(5000)} }] }`;
  await page.goto(APP + hashFor(await payloadOf(deep)));
  await expect(page.getByText('This link could not be opened')).toBeVisible();
  await expect(page.getByText(/nested deeper than 16 levels of objects and arrays/)).toBeVisible();
  await expect(page.getByRole('button', { name: /^▶ Run/ })).toBeEnabled();

  const debug = '{ "version": 1, "task": "meadow", "debug": { "injectNonFiniteAtStep": 2 } }';
  await page.goto(APP + hashFor(await payloadOf(debug)));
  await expect(page.getByText(/debug: test-only switches are not accepted/)).toBeVisible();
  expect(errors).toEqual([]);
});
