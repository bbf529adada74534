import type { RoomcastClient } from '@roomcast/client';
import { useRoom } from '@roomcast/client/react';

/** A live card: the device's latest metrics, its open alerts, and the subscription's status. */
export function DeviceCard({ client, deviceId }: { client: RoomcastClient; deviceId: string }) {
  const { data, alerts, status } = useRoom(client, { device: deviceId });
  const open = alerts.filter((alert) => alert.state === 'active');
  return (
    <article style={{ border: '1px solid #ccc', borderRadius: 8, padding: 16, minWidth: 260 }}>
      <header style={{ display: 'flex', justifyContent: 'space-between', gap: 16 }}>
        <strong>{deviceId}</strong>
        <span style={{ color: status === 'subscribed' ? 'green' : status === 'error' ? 'crimson' : 'gray' }}>
          {status}
        </span>
      </header>
      {data === null ? (
        <p>Waiting for data…</p>
      ) : (
        <dl>
          {Object.entries(data.data).map(([metric, value]) => (
            <div key={metric} style={{ display: 'flex', justifyContent: 'space-between' }}>
              <dt>{metric}</dt>
              <dd>{String(value)}</dd>
            </div>
          ))}
          <small>{new Date(data.timestamp).toLocaleTimeString()}</small>
        </dl>
      )}
      {open.map((alert) => (
        <p key={alert.alertId} style={{ color: alert.severity === 'critical' ? 'crimson' : 'darkorange' }}>
          {alert.message}
          {alert.acknowledged ? ` (acknowledged by ${alert.ackUser})` : ''}
        </p>
      ))}
    </article>
  );
}
