import type { AckUpdatePayload, AuthUser } from '@roomcast/shared';

type Acknowledged = Pick<AckUpdatePayload, 'acknowledged' | 'ackUser' | 'ackReason' | 'ackAt'>;

/**
 * The acknowledgement fields of an `ack_update`, from the record as the store committed it;
 * the request's user, reason and time stand in for any the store did not return.
 */
export function acknowledgedFields(
  record: { ackUser: string | null; ackReason: string | null; ackAt: string | null },
  user: AuthUser,
  reason: string,
): Acknowledged {
  return {
    acknowledged: true,
    ackUser: record.ackUser ?? user.sub,
    ackReason: record.ackReason ?? reason,
    ackAt: record.ackAt ?? new Date().toISOString(),
  };
}
