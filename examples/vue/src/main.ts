import { createApp } from 'vue';
import { createClient } from '@roomcast/client';
import App from './App.vue';
import { clientKey } from './client-key';

// One client for the whole app: every card shares its connection.
const client = createClient({
  url: import.meta.env.VITE_ROOMCAST_URL ?? 'http://localhost:3000',
  token: import.meta.env.VITE_ROOMCAST_TOKEN ?? '',
});

createApp(App).provide(clientKey, client).mount('#app');
