import type { InjectionKey } from 'vue';
import type { RoomcastClient } from '@roomcast/client';

export const clientKey: InjectionKey<RoomcastClient> = Symbol('roomcast client');
