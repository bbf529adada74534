import type { ErrorCode } from './codes';

/** The shape of every error on the wire: REST bodies wrap it as `{ error }`. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** An error that carries one of the contract's codes. */
export class RoomcastError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RoomcastError';
    this.code = code;
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message };
  }
}
