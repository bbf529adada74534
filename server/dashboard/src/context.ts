import type { RoomcastClient } from '@roomcast/client';
import type { AuthUser } from '@roomcast/shared';
import type { Api } from './api';

/** What every part of the page shares: the REST API, the live client and who is looking. */
export interface DashboardContext {
  readonly api: Api;
  readonly client: RoomcastClient;
  readonly user: AuthUser;
  /** Operators and admins acknowledge alerts and violations; viewers only read. */
  readonly canAcknowledge: boolean;
}
