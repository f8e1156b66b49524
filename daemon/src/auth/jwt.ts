import { jwtVerify, SignJWT } from 'jose';

export type TokenKind = 'access' | 'refresh';
const LIFETIME: Record<TokenKind, string> = { access: '1h', refresh: '30d' };

/** Signs and checks the daemon's JWTs (HS256). */
export class Jwt {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  sign(userId: string, kind: TokenKind): Promise<string> {
    return new SignJWT({ typ: kind }).setProtectedHeader({ alg: 'HS256' }).setSubject(userId)
      .setIssuer('agor').setIssuedAt().setExpirationTime(LIFETIME[kind]).sign(this.key);
  }

  /** The user id of a valid, unexpired token of `kind`, or null. */
  async verify(token: string, kind: TokenKind): Promise<string | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: 'agor', algorithms: ['HS256'] });
      return payload.typ === kind && typeof payload.sub === 'string' ? payload.sub : null;
    } catch {
      return null;
    }
  }
}

/** True when a bearer token looks like a JWT rather than an API token. */
export const looksLikeJwt = (token: string) => token.split('.').length === 3;
