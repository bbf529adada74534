/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_ROOMCAST_URL?: string;
  readonly VITE_ROOMCAST_TOKEN?: string;
  readonly VITE_ROOMCAST_DEVICES?: string;
}

declare module '*.vue' {
  import type { DefineComponent } from 'vue';
  const component: DefineComponent;
  export default component;
}
