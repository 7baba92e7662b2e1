// @vitest-environment node
// The test vectors of docs/national-qr-format.md, checked with WebCrypto as
// the scanner does it, and the revocation list's effect on them.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { qidHash, saveRevocations, savedRevocations, verifyOffline } from './offline';
import { vectorKey as key, vectorRevocation as revocation, vector, vectorV1 } from './vectors';

const at = new Date('2021-10-19T00:00:00Z');

test('a signed code inside its window is green offline, with the masked number', async () => {
  expect(await verifyOffline(vector, [key], at)).toEqual({
    colour: 'green',
    foldedName: 'NGUYEN VAN DOAN',
    documentMasked: '******001234',
  });
  expect((await verifyOffline(vectorV1, [key], at))?.colour).toBe('green');
});

test('the window is half open: black before it and from its end on', async () => {
  expect((await verifyOffline(vector, [key], new Date(1634230799_000)))?.colour).toBe('black');
  expect((await verifyOffline(vector, [key], new Date(1634230800_000)))?.colour).toBe('green');
  expect((await verifyOffline(vector, [key], new Date(1634958000_000)))?.colour).toBe('black');
  expect((await verifyOffline(vectorV1, [key], new Date(1634835600_000)))?.colour).toBe('black');
});

test('an altered name, issue instant, window, version or key, or no token at all, cannot vouch', async () => {
  expect(await verifyOffline(vector.replace('NGUYEN VAN DOAN', 'NGUYEN VAN DOAM'), [key], at)).toBeNull();
  expect(await verifyOffline(vector.replace('1634353200', '1734353200'), [key], at)).toBeNull();
  expect(await verifyOffline(vector.replace('1634958000', '1734958000'), [key], at)).toBeNull();
  expect(await verifyOffline(vector.replace('AT2.', 'AT1.'), [key], at)).toBeNull();
  expect(await verifyOffline(vector.replace('AT2.', 'AT3.'), [key], at)).toBeNull();
  expect(await verifyOffline(vectorV1.replace('1634835600', '1734835600'), [key], at)).toBeNull();
  expect(await verifyOffline(vector, [{ ...key, kid: 'ffffffffffffffff' }], at)).toBeNull();
  expect(await verifyOffline(vector, [], at)).toBeNull();
  expect(await verifyOffline('079090001234|NGUYEN VAN DOAN|1990-05-17|0|123456789012345678|<1<<<', [key], at)).toBeNull();
  expect(await verifyOffline(`${vector}x`, [key], at)).toBeNull();
});

test('the QID hash is the documented one', async () => {
  expect(await qidHash('123456789012345678')).toBe(revocation.qid_hash);
  expect(await qidHash('123456789012345679')).not.toBe(revocation.qid_hash);
});

test('a code issued before its holder’s revocation is revoked, never green, in either version', async () => {
  expect((await verifyOffline(vector, [key], at, [revocation]))?.colour).toBe('revoked');
  expect(await verifyOffline(vectorV1, [key], at, [revocation])).toEqual({
    colour: 'revoked',
    foldedName: 'NGUYEN VAN DOAN',
    documentMasked: '******001234',
  });
  // Outside its window too: the guard learns why, not just "black".
  expect((await verifyOffline(vector, [key], new Date(1634958000_000), [revocation]))?.colour).toBe('revoked');
});

test('a revocation reaching no later than the issue instant, or of someone else, leaves the code green', async () => {
  const earlier = { ...revocation, issued_before: '2021-10-16T03:00:00Z' };
  expect((await verifyOffline(vector, [key], at, [earlier]))?.colour).toBe('green');
  const someoneElse = { ...revocation, qid_hash: await qidHash('123456789012345679') };
  expect((await verifyOffline(vector, [key], at, [someoneElse]))?.colour).toBe('green');
  // A version 1 code has no issue instant: any revocation of its holder revokes it.
  expect((await verifyOffline(vectorV1, [key], at, [earlier]))?.colour).toBe('revoked');
});

test('an altered code is not verified even when its holder is revoked', async () => {
  expect(await verifyOffline(vector.replace('1634353200', '1734353200'), [key], at, [revocation])).toBeNull();
});

describe('the saved list', () => {
  const store = new Map<string, string>();
  beforeEach(() => {
    globalThis.localStorage = {
      getItem: (name: string) => store.get(name) ?? null,
      setItem: (name: string, value: string) => void store.set(name, value),
    } as Storage;
  });
  afterEach(() => store.clear());

  test('is kept as fetched, and an unreadable one counts as empty', () => {
    expect(savedRevocations()).toEqual([]);
    saveRevocations([revocation]);
    expect(savedRevocations()).toEqual([revocation]);
    store.set('antoan.qrRevocations', '{not json');
    expect(savedRevocations()).toEqual([]);
    store.set('antoan.qrRevocations', '{"entries": []}');
    expect(savedRevocations()).toEqual([]);
  });
});
