import type { RequestHandler } from 'express';
import passport from 'passport';
import { ExtractJwt, Strategy as JwtStrategy } from 'passport-jwt';
import { ErrorCode, RoomcastError, type AuthUser, type Role } from '@roomcast/shared';
import type { AuthConfig } from '../config/config';
import { userFromClaims } from './claims';
import { requireExpiry, verifyOptions } from './jwt-options';
import { describeJwtError } from './token-verifier';
import { requireRole } from './room-access';

declare module 'express-serve-static-core' {
  interface Request {
    /** The verified user; set by `requireRole`. */
    authUser?: AuthUser;
  }
}

/**
 * REST authentication: a Bearer token verified by passport-jwt with the same
 * pinned options as the socket handshake. Each gateway has its own Passport
 * instance so several gateways can live in one process.
 */
export function createRestAuth(auth: AuthConfig): (role: Role) => RequestHandler {
  const instance = new passport.Passport();
  const options = verifyOptions(auth);
  instance.use(
    new JwtStrategy(
      {
        jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
        secretOrKey: auth.verifyKey,
        jsonWebTokenOptions: options,
        algorithms: [auth.algorithm],
      },
      (payload: object, done: (error: unknown, user?: AuthUser | false) => void) => {
        try {
          const missing = requireExpiry(payload);
          if (missing !== null) throw new RoomcastError(ErrorCode.UNAUTHORIZED, missing);
          done(null, userFromClaims(payload));
        } catch (error) {
          done(error);
        }
      },
    ),
  );

  return (role) => (req, res, next) => {
    instance.authenticate('jwt', { session: false }, (error: unknown, user: AuthUser | false, info: unknown) => {
      if (error instanceof RoomcastError) return next(error);
      if (error) return next(error);
      if (!user) {
        const reason =
          info instanceof Error && info.message === 'No auth token'
            ? 'a Bearer token is required in the Authorization header'
            : describeJwtError(info);
        return next(new RoomcastError(ErrorCode.UNAUTHORIZED, reason));
      }
      try {
        requireRole(user, role, 'this');
      } catch (refusal) {
        return next(refusal);
      }
      req.authUser = user;
      next();
    })(req, res, next);
  };
}
