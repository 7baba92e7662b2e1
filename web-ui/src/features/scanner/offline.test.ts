// @vitest-environment node
// The test vector of docs/national-qr-format.md, checked with WebCrypto as
// the scanner does it.
import { expect, test } from 'vitest';
import { verifyOffline, type Jwk } from './offline';

const key: Jwk = {
  kty: 'EC',
  crv: 'P-256',
  alg: 'ES256',
  use: 'sig',
  kid: '03d566d36945be8c',
  x: 'KiKyelpZw8chukgN5PQ6kIIs9JAZlJ1iR3zFRjEqA3A',
  y: 'BVA_sQMBJvtg1UgJKOO_7a4Y5ZFGJQpcI6Hk-82gOBM',
};
const vector =
  '079090001234|NGUYEN VAN DOAN|1990-05-17|0|123456789012345678|<1<<<AT1.03d566d36945be8c.1634230800.1634835600.jt6tIfMilIL0gTEPJXqSm44_8FKozNHdakWOfLtq3NuGx1VDrdKKg5x4fAT42VU61F_GqD2OXNajwKKVRzkQMg';

test('a signed code inside its window is green offline, with the masked number', async () => {
  expect(await verifyOffline(vector, [key], new Date('2021-10-16T00:00:00Z'))).toEqual({
    colour: 'green',
    foldedName: 'NGUYEN VAN DOAN',
    documentMasked: '******001234',
  });
});

test('the window is half open: black before it and from its end on', async () => {
  expect((await verifyOffline(vector, [key], new Date(1634230799_000)))?.colour).toBe('black');
  expect((await verifyOffline(vector, [key], new Date(1634230800_000)))?.colour).toBe('green');
  expect((await verifyOffline(vector, [key], new Date(1634835600_000)))?.colour).toBe('black');
});

test('an altered name, window or key, or no token at all, cannot vouch', async () => {
  const at = new Date('2021-10-16T00:00:00Z');
  expect(await verifyOffline(vector.replace('NGUYEN VAN DOAN', 'NGUYEN VAN DOAM'), [key], at)).toBeNull();
  expect(await verifyOffline(vector.replace('1634835600', '1734835600'), [key], at)).toBeNull();
  expect(await verifyOffline(vector, [{ ...key, kid: 'ffffffffffffffff' }], at)).toBeNull();
  expect(await verifyOffline(vector, [], at)).toBeNull();
  expect(await verifyOffline('079090001234|NGUYEN VAN DOAN|1990-05-17|0|123456789012345678|<1<<<', [key], at)).toBeNull();
  expect(await verifyOffline(`${vector}x`, [key], at)).toBeNull();
});
