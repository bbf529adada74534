/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_ROOMCAST_URL?: string;
  readonly VITE_ROOMCAST_TOKEN?: string;
  readonly VITE_ROOMCAST_DEVICES?: string;
}
