import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createClient } from '@roomcast/client';
import { DeviceCard } from './DeviceCard';

// One client for the whole app: every card shares its connection.
const client = createClient({
  url: import.meta.env.VITE_ROOMCAST_URL ?? 'http://localhost:3000',
  token: import.meta.env.VITE_ROOMCAST_TOKEN ?? '',
});
const devices = (import.meta.env.VITE_ROOMCAST_DEVICES ?? 'dev-0001,dev-0002').split(',');

createRoot(document.getElementById('root') as HTMLElement).render(
  <StrictMode>
    <main style={{ fontFamily: 'system-ui', display: 'flex', gap: 16, flexWrap: 'wrap', padding: 16 }}>
      {devices.map((deviceId) => (
        <DeviceCard key={deviceId} client={client} deviceId={deviceId.trim()} />
      ))}
    </main>
  </StrictMode>,
);
