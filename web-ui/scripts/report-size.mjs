// Prints the gzipped size of the JavaScript a browser loads on first visit:
// every script and module preload that dist/index.html names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = new URL('../dist/', import.meta.url).pathname;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const sources = new Set();
for (const match of html.matchAll(/<(?:script|link)\b[^>]*?(?:src|href)="\/?([^"]+\.js)"/g)) {
  sources.add(match[1]);
}
if (sources.size === 0) {
  console.error('report-size: dist/index.html names no JavaScript');
  process.exit(1);
}
let raw = 0;
let gzipped = 0;
for (const source of sources) {
  const bytes = readFileSync(join(dist, source));
  const size = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzipped += size;
  console.log(`  ${source}: ${(bytes.length / 1024).toFixed(1)} kB, ${(size / 1024).toFixed(1)} kB gzipped`);
}
console.log(
  `first load JavaScript: ${(gzipped / 1024).toFixed(1)} kB gzipped (${(raw / 1024).toFixed(1)} kB raw, ${sources.size} file${sources.size === 1 ? '' : 's'})`,
);
