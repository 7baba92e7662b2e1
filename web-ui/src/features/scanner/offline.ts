// Deciding green or black without the network, from the signed token our
// codes carry in the EXT signature slot (docs/national-qr-format.md):
// `AT1.<kid>.<not_before>.<not_after>.<signature>`, ECDSA P-256 over
// everything before the signature, checked with WebCrypto against the
// public keys the scanner saved while it was online.
import type { Schemas } from '@/api/client';

export type Jwk = Schemas['Jwk'];

export interface OfflineVerdict {
  colour: 'green' | 'black';
  foldedName: string;
  documentMasked: string;
}

const KEYS = 'antoan.qrKeys';

export function saveKeys(keys: Jwk[]): void {
  localStorage.setItem(KEYS, JSON.stringify(keys));
}

export function savedKeys(): Jwk[] {
  try {
    const keys = JSON.parse(localStorage.getItem(KEYS) ?? '[]') as unknown;
    return Array.isArray(keys) ? (keys as Jwk[]) : [];
  } catch {
    return [];
  }
}

function base64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

/**
 * The colour a signed code vouches for at `now`, or null when the code
 * cannot vouch for itself (no token, unknown key, bad signature): then only
 * the online lookup can decide.
 */
export async function verifyOffline(scanned: string, keys: Jwk[], now: Date): Promise<OfflineVerdict | null> {
  const payload = scanned.replace(/^\uFEFF/, '').trim();
  const fields = payload.split('|');
  if (fields.length < 6) return null;
  const ext = fields.slice(5).join('|').split(/[<|]/);
  const token = ext.at(-1) ?? '';
  const parts = token.split('.');
  if (parts.length !== 5 || parts[0] !== 'AT1') return null;
  const [, kid, notBefore, notAfter, signatureText] = parts;
  const jwk = keys.find((key) => key.kid === kid);
  const signature = base64url(signatureText ?? '');
  if (!jwk || !signature || signature.length !== 64 || !/^\d+$/.test(notBefore ?? '') || !/^\d+$/.test(notAfter ?? '')) {
    return null;
  }

  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y },
      { name: 'ECDSA', namedCurve: 'P-256' },
      false,
      ['verify'],
    );
    const cut = payload.lastIndexOf('.') + 1;
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' },
      key,
      signature,
      new TextEncoder().encode(payload.slice(0, cut)),
    );
    if (!valid) return null;
  } catch {
    return null;
  }

  const seconds = now.getTime() / 1000;
  const green = Number(notBefore) <= seconds && seconds < Number(notAfter);
  const documentNumber = fields[0]?.trim() ?? '';
  return {
    colour: green ? 'green' : 'black',
    foldedName: fields[1]?.trim() ?? '',
    documentMasked: '*'.repeat(Math.min(6, documentNumber.length)) + documentNumber.slice(6),
  };
}
