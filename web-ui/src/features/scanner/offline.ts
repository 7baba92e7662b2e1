// Deciding green or black without the network, from the signed token our
// codes carry in the EXT signature slot (docs/national-qr-format.md):
// `AT2.<kid>.<issued_at>.<not_before>.<not_after>.<signature>`, or version 1,
// `AT1.<kid>.<not_before>.<not_after>.<signature>`, without the issue
// instant. ECDSA P-256 over everything before the signature, checked with
// WebCrypto against the public keys the scanner saved while it was online;
// a code that the saved revocation list revokes is never shown green.
//
// Limitation: the list is only as new as the last time the scanner was
// online; a scanner offline since before a removal still shows the old code
// green until its window ends.
import type { Schemas } from '@/api/client';

export type Jwk = Schemas['Jwk'];
export type RevocationEntry = Schemas['RevocationEntry'];

export interface OfflineVerdict {
  /**
   * What the code vouches for now: green inside its window, black outside
   * it, or nothing because a correction to its holder's records revoked it.
   */
  colour: 'green' | 'black' | 'revoked';
  foldedName: string;
  documentMasked: string;
}

const KEYS = 'antoan.qrKeys';
const REVOCATIONS = 'antoan.qrRevocations';
/** What the list's hashes are computed over, before the QID. */
const QID_HASH_CONTEXT = 'antoan-qr-revocation-1|';

/** A list saved in this browser; empty when none was saved or it is unreadable. */
function savedList<T>(name: string): T[] {
  try {
    const list = JSON.parse(localStorage.getItem(name) ?? '[]') as unknown;
    return Array.isArray(list) ? (list as T[]) : [];
  } catch {
    return [];
  }
}

export function saveKeys(keys: Jwk[]): void {
  localStorage.setItem(KEYS, JSON.stringify(keys));
}

export function savedKeys(): Jwk[] {
  return savedList(KEYS);
}

export function saveRevocations(entries: RevocationEntry[]): void {
  localStorage.setItem(REVOCATIONS, JSON.stringify(entries));
}

/** The revocation list saved while online. */
export function savedRevocations(): RevocationEntry[] {
  return savedList(REVOCATIONS);
}

function base64url(text: string): Uint8Array<ArrayBuffer> | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  return Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
}

/** The list's name for a holder: the first 16 bytes of SHA-256 over the context and the QID, in hex. */
export async function qidHash(qid: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(QID_HASH_CONTEXT + qid));
  return Array.from(new Uint8Array(digest).slice(0, 16), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

interface Token {
  kid: string;
  /** Unix seconds; null for version 1, which predates every revocation. */
  issuedAt: number | null;
  notBefore: number;
  notAfter: number;
  signature: Uint8Array<ArrayBuffer>;
}

function readToken(token: string): Token | null {
  const [version, ...segments] = token.split('.');
  // Version 2 has the issue instant after the key id; version 1 has none.
  let issuedAtText: string | null = null;
  if (version === 'AT2' && segments.length === 5) issuedAtText = segments.splice(1, 1)[0] ?? '';
  else if (version !== 'AT1' || segments.length !== 4) return null;
  const [kid, notBefore, notAfter, signatureText] = segments;
  const seconds = (text: string | undefined) => (/^\d+$/.test(text ?? '') ? Number(text) : null);
  const issuedAt = issuedAtText === null ? null : seconds(issuedAtText);
  const [from, until] = [seconds(notBefore), seconds(notAfter)];
  const signature = base64url(signatureText ?? '');
  if (!kid || !signature || signature.length !== 64 || from === null || until === null) return null;
  if (issuedAtText !== null && issuedAt === null) return null;
  return { kid, issuedAt, notBefore: from, notAfter: until, signature };
}

/** Whether `revocations` revoke a code of the holder `qid` issued at `issuedAt`. */
async function isRevoked(qid: string, issuedAt: number | null, revocations: RevocationEntry[]): Promise<boolean> {
  if (revocations.length === 0) return false;
  const hash = await qidHash(qid);
  const entry = revocations.find((candidate) => candidate.qid_hash === hash);
  if (!entry) return false;
  return issuedAt === null || issuedAt * 1000 < Date.parse(entry.issued_before);
}

/**
 * The colour a signed code vouches for at `now`, or null when the code
 * cannot vouch for itself (no token, unknown key, bad signature): then only
 * the online lookup can decide. A code the saved revocation list revokes
 * vouches for nothing, which the verdict says.
 */
export async function verifyOffline(
  scanned: string,
  keys: Jwk[],
  now: Date,
  revocations: RevocationEntry[] = [],
): Promise<OfflineVerdict | null> {
  const payload = scanned.replace(/^\uFEFF/, '').trim();
  const fields = payload.split('|');
  if (fields.length < 6) return null;
  const ext = fields.slice(5).join('|').split(/[<|]/);
  const token = readToken(ext.at(-1) ?? '');
  const jwk = token && keys.find((key) => key.kid === token.kid);
  if (!token || !jwk) return null;

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
      token.signature,
      new TextEncoder().encode(payload.slice(0, cut)),
    );
    if (!valid) return null;
  } catch {
    return null;
  }

  const seconds = now.getTime() / 1000;
  const green = token.notBefore <= seconds && seconds < token.notAfter;
  const revoked = await isRevoked(fields[4]?.trim() ?? '', token.issuedAt, revocations);
  const documentNumber = fields[0]?.trim() ?? '';
  return {
    colour: revoked ? 'revoked' : green ? 'green' : 'black',
    foldedName: fields[1]?.trim() ?? '',
    documentMasked: '*'.repeat(Math.min(6, documentNumber.length)) + documentNumber.slice(6),
  };
}
