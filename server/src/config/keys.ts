import { createPublicKey, createPrivateKey, type KeyObject } from 'node:crypto';

export type AsymmetricAlgorithm = 'RS256' | 'ES256';

/** Environment variables cannot hold newlines on every platform: accept `\n` escapes in PEM text. */
export function unescapePem(value: string): string {
  return value.includes('\\n') ? value.replace(/\\n/g, '\n') : value;
}

/**
 * The one algorithm a key may be used with. Pinning it from the key type is what
 * rules out algorithm confusion (an RSA public key accepted as an HMAC secret).
 */
export function algorithmOfKey(key: KeyObject): AsymmetricAlgorithm {
  if (key.asymmetricKeyType === 'rsa') return 'RS256';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(
    `unsupported key type ${key.asymmetricKeyType ?? 'unknown'}: use an RSA key (RS256) or an EC P-256 key (ES256)`,
  );
}

export function readPublicKey(pem: string): { pem: string; algorithm: AsymmetricAlgorithm } {
  const text = unescapePem(pem);
  return { pem: text, algorithm: algorithmOfKey(createPublicKey(text)) };
}

export function readPrivateKey(pem: string): { pem: string; algorithm: AsymmetricAlgorithm } {
  const text = unescapePem(pem);
  return { pem: text, algorithm: algorithmOfKey(createPrivateKey(text)) };
}

/** Whether a private key is the other half of a public key: the same key type is not enough. */
export function isKeyPair(privatePem: string, publicPem: string): boolean {
  const spki = (pem: string): Buffer => createPublicKey(pem).export({ type: 'spki', format: 'der' });
  return spki(privatePem).equals(spki(publicPem));
}
