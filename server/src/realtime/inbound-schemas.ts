import Joi from 'joi';
import { ErrorCode, RoomcastError } from '@roomcast/shared';
import type {
  AcknowledgeAlertRequest,
  AcknowledgeViolationRequest,
  RefreshRequest,
  SubscribeRequest,
  UnsubscribeRequest,
} from '@roomcast/shared';

const MAX_ROOMS_PER_REQUEST = 500;

/** Room names are checked one by one later, so one bad name does not refuse the rest. */
const roomList = Joi.array().items(Joi.string().max(300)).min(1).max(MAX_ROOMS_PER_REQUEST).required();

const historyRequest = Joi.alternatives(
  Joi.object({ limit: Joi.number().integer().min(1).max(1000).required() }),
  Joi.object({ since: Joi.string().isoDate().required() }),
);

export const subscribeSchema = Joi.object<SubscribeRequest>({ rooms: roomList, history: historyRequest });
export const acknowledgeViolationSchema = Joi.object<AcknowledgeViolationRequest>({
  violationId: Joi.string().min(1).max(128).required(),
  reason: Joi.string().trim().min(1).max(500).required(),
});
export const acknowledgeAlertSchema = Joi.object<AcknowledgeAlertRequest>({
  alertId: Joi.string().min(1).max(128).required(),
  reason: Joi.string().trim().min(1).max(500).required(),
});
export const unsubscribeSchema = Joi.object<UnsubscribeRequest>({ rooms: roomList });
export const refreshSchema = Joi.object<RefreshRequest>({ room: Joi.string().max(300).required() });
export const deviceIdSchema = Joi.string().max(300).required();

/** Validates an inbound payload or throws BAD_REQUEST with joi's explanation. */
export function validate<T>(schema: Joi.Schema<T>, payload: unknown, what: string): T {
  const { value, error } = schema.validate(payload, { abortEarly: true, convert: false });
  if (error) throw new RoomcastError(ErrorCode.BAD_REQUEST, `invalid ${what}: ${error.message}`);
  return value;
}
