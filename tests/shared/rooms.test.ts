import {
  characteristicRoom,
  deviceRoom,
  ErrorCode,
  locationRoom,
  parseRoom,
  roomOf,
  roomKeyOfEvent,
  roomOfEvent,
  ROOM_EVENT_NAMES,
  RoomcastError,
  sensorRoom,
} from '@roomcast/shared';

describe('room names', () => {
  it('builds each kind of room', () => {
    expect(deviceRoom('OTSM-0114')).toBe('device:OTSM-0114');
    expect(sensorRoom('soil_7.a')).toBe('sensor:soil_7.a');
    expect(locationRoom('  New-Delhi ')).toBe('location:new-delhi');
    expect(characteristicRoom('bore-diameter')).toBe('characteristic:bore-diameter');
  });

  it('builds rooms from typed references', () => {
    expect(roomOf({ device: 'd1' })).toBe('device:d1');
    expect(roomOf({ location: 'Delhi' })).toBe('location:delhi');
    expect(roomOf({ sensor: 's' })).toBe('sensor:s');
    expect(roomOf({ characteristic: 'c' })).toBe('characteristic:c');
  });

  it('accepts ids of 1 to 128 characters of [A-Za-z0-9._-]', () => {
    expect(parseRoom(`device:${'a'.repeat(128)}`).ok).toBe(true);
    expect(parseRoom('device:A.b_c-9').ok).toBe(true);
  });

  it.each(['device:', `device:${'a'.repeat(129)}`, 'device:a b', 'device:a/b', 'device:ü', 'device:a:b', 'location:'])(
    'rejects %j with INVALID_ROOM and a message',
    (name) => {
      const parsed = parseRoom(name);
      expect(parsed).toEqual({ ok: false, code: 'INVALID_ROOM', message: expect.stringContaining('must be') });
    },
  );

  it('rejects unknown kinds and non-strings', () => {
    expect(parseRoom('planet:mars')).toMatchObject({ ok: false, message: expect.stringContaining('unknown') });
    expect(parseRoom(42)).toMatchObject({ ok: false, code: 'INVALID_ROOM' });
    expect(parseRoom('device')).toMatchObject({ ok: false, code: 'INVALID_ROOM' });
  });

  it('parses into kind, id and canonical name', () => {
    expect(parseRoom('location:Delhi')).toEqual({ ok: true, room: 'location:delhi', kind: 'location', id: 'delhi' });
  });

  it('throws a RoomcastError carrying INVALID_ROOM from the builders', () => {
    expect(() => deviceRoom('bad id')).toThrow(RoomcastError);
    try {
      sensorRoom('');
    } catch (error) {
      expect((error as RoomcastError).code).toBe(ErrorCode.INVALID_ROOM);
    }
    expect.assertions(2);
  });
});

describe('roomOfEvent', () => {
  it('routes every room event to the room it was broadcast into', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(roomOfEvent('device:data', { deviceId: 'd1', data: {}, timestamp: at })).toBe('device:d1');
    expect(roomOfEvent('device:alerts', { deviceId: 'd1', alerts: [] })).toBe('device:d1');
    expect(
      roomOfEvent('sensor_reading', {
        sensorId: 's',
        moisture: 1,
        temperature: 1,
        humidity: 1,
        light: 1,
        timestamp: at,
      }),
    ).toBe('sensor:s');
    expect(
      roomOfEvent('aqi_update', {
        location: 'delhi',
        aqi: { value: 1, category: 'Good', color: '#00E400', dominantPollutant: 'pm25' },
        pollutants: {},
        timestamp: at,
      }),
    ).toBe('location:delhi');
    expect(
      roomOfEvent('violation', {
        violationId: 'v',
        characteristicId: 'c',
        sampleId: 's',
        ruleId: 1,
        ruleName: 'r',
        severity: 'CRITICAL',
      }),
    ).toBe('characteristic:c');
    const ack = { kind: 'violation' as const, id: 'v', acknowledged: true, ackUser: 'u', ackReason: 'r', ackAt: at };
    expect(roomOfEvent('ack_update', { ...ack, characteristicId: 'c' })).toBe('characteristic:c');
    expect(roomOfEvent('ack_update', { ...ack, kind: 'alert', deviceId: 'd' })).toBe('device:d');
    expect(ROOM_EVENT_NAMES).toHaveLength(8);
  });

  it('refuses an id that is not a valid room id with INVALID_ROOM', () => {
    expect(() => roomOfEvent('device:status', { deviceId: 'has space', online: true, timestamp: 'x' })).toThrow(
      expect.objectContaining({ code: ErrorCode.INVALID_ROOM }),
    );
  });
});

describe('roomKeyOfEvent', () => {
  it('names the same room as roomOfEvent, normalising locations, without checking the id', () => {
    const at = '2026-01-01T00:00:00.000Z';
    expect(roomKeyOfEvent('device:data', { deviceId: 'd1', data: {}, timestamp: at })).toBe('device:d1');
    expect(roomKeyOfEvent('aqi_update', { location: ' Delhi ', aqi: 1, pollutants: [], timestamp: at } as never)).toBe(
      'location:delhi',
    );
    expect(roomKeyOfEvent('device:status', { deviceId: 'has space', online: true, timestamp: at })).toBe(
      'device:has space',
    );
    const ack = { kind: 'alert' as const, id: 'a', acknowledged: true, ackUser: 'u', ackReason: 'r', ackAt: at };
    expect(roomKeyOfEvent('ack_update', ack)).toBeNull();
  });
});
