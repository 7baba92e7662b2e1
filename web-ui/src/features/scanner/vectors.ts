// The test vectors of docs/national-qr-format.md, for the scanner's tests:
// the published test key, a version 2 code and its version 1 form, and the
// documented revocation of their holder. Only tests import this file.
import type { Jwk, RevocationEntry } from './offline';

export const vectorKey: Jwk = {
  kty: 'EC',
  crv: 'P-256',
  alg: 'ES256',
  use: 'sig',
  kid: '03d566d36945be8c',
  x: 'KiKyelpZw8chukgN5PQ6kIIs9JAZlJ1iR3zFRjEqA3A',
  y: 'BVA_sQMBJvtg1UgJKOO_7a4Y5ZFGJQpcI6Hk-82gOBM',
};

/** Version 2: issued 2021-10-16T03:00:00Z, green from 2021-10-14T17:00:00Z until 2021-10-23T03:00:00Z. */
export const vector =
  '079090001234|NGUYEN VAN DOAN|1990-05-17|0|123456789012345678|<1<<<AT2.03d566d36945be8c.1634353200.1634230800.1634958000.zPMCeBsQRkJLDFiDd7Ut1J-EWPMu44vGkpQ16AsvX8UQ5g2BRq1Uvzwzn43N_BQPlmXmqRbB2VM2OxDP2rLBzA';

/** Version 1, without an issue instant: green from 2021-10-14T17:00:00Z until 2021-10-21T17:00:00Z. */
export const vectorV1 =
  '079090001234|NGUYEN VAN DOAN|1990-05-17|0|123456789012345678|<1<<<AT1.03d566d36945be8c.1634230800.1634835600.jt6tIfMilIL0gTEPJXqSm44_8FKozNHdakWOfLtq3NuGx1VDrdKKg5x4fAT42VU61F_GqD2OXNajwKKVRzkQMg';

/** The holder's revocation after a removal on 2021-10-18 at 09:30 local time. */
export const vectorRevocation: RevocationEntry = {
  qid_hash: '2b5fea016d2b524e96f7be9c23ace679',
  issued_before: '2021-10-18T02:31:00Z',
};
