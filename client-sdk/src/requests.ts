import {
  RoomcastError,
  type AcknowledgeAlertAck,
  type AcknowledgeAlertRequest,
  type AcknowledgeViolationAck,
  type AcknowledgeViolationRequest,
  type Alert,
  type PingAck,
  type RefreshAck,
  type ViolationRecord,
} from '@roomcast/shared';
import { settle } from './errors';
import { resolveRoom } from './room-target';
import type { RoomcastSocket } from './socket';
import type { PingOutcome, RefreshOutcome, RoomTarget } from './types';

/**
 * Request/acknowledgement calls. Each names its ack type from the contract: Socket.IO's
 * `timeout()` typing widens the answer to `any`, so the annotation is what keeps it checked.
 * A request made while the connection is being re-established waits in Socket.IO's buffer
 * and counts against the same timeout.
 */
export class Requests {
  constructor(
    private readonly socket: RoomcastSocket,
    private readonly timeoutMs: number,
  ) {}

  async refresh(target: RoomTarget): Promise<RefreshOutcome> {
    const parsed = resolveRoom(target);
    if (!parsed.ok) throw new RoomcastError(parsed.code, parsed.message);
    const ack: Promise<RefreshAck> = this.timed().emitWithAck('refresh', { room: parsed.room });
    const { room, emitted } = await settle(ack);
    return { room, emitted };
  }

  async acknowledgeAlert(request: AcknowledgeAlertRequest): Promise<Alert> {
    const ack: Promise<AcknowledgeAlertAck> = this.timed().emitWithAck('alert:acknowledge', request);
    return (await settle(ack)).alert;
  }

  async acknowledgeViolation(request: AcknowledgeViolationRequest): Promise<ViolationRecord> {
    const ack: Promise<AcknowledgeViolationAck> = this.timed().emitWithAck('violation:acknowledge', request);
    return (await settle(ack)).violation;
  }

  async ping(): Promise<PingOutcome> {
    const started = Date.now();
    const ack: Promise<PingAck> = this.timed().emitWithAck('ping');
    const { timestamp } = await settle(ack);
    return { timestamp, roundTripMs: Date.now() - started };
  }

  private timed(): ReturnType<RoomcastSocket['timeout']> {
    return this.socket.timeout(this.timeoutMs);
  }
}
