// @vitest-environment node
// Features never import one another: pages are composed from them in
// src/app, and shared code lives in src/components, src/lib and src/api.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? files(join(dir, entry.name)) : /\.tsx?$/.test(entry.name) ? [join(dir, entry.name)] : [],
  );
}

function featureOf(path: string): string | null {
  const parts = relative(src, path).split(sep);
  return parts[0] === 'features' ? (parts[1] ?? null) : null;
}

test('no feature imports another feature, and shared code imports no feature', () => {
  const offences: string[] = [];
  for (const file of files(src)) {
    const from = featureOf(file);
    const isShared = /^(components|lib|api)\b/.test(relative(src, file));
    for (const [, target] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
      if (!target) continue;
      const resolved = target.startsWith('@/') ? join(src, target.slice(2)) : target.startsWith('.') ? resolve(file, '..', target) : null;
      if (!resolved) continue;
      const to = featureOf(resolved);
      if (to && ((from && to !== from) || isShared)) {
        offences.push(`${relative(src, file)} imports ${target}`);
      }
    }
  }
  expect(offences).toEqual([]);
});
