import { toRoom } from './meetings';

describe('toRoom', () => {
  it('maps a meetings row to the API room, with an ISO UTC creation time', () => {
    expect(
      toRoom({
        id: '0b7d9c62-3f0e-4a43-9d8c-6f7d2f1c1a10',
        host_id: '5f1d2c3b-4a59-4e68-8d7c-6b5a49382716',
        is_active: false,
        max_participants: 5,
        created_at: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678)),
      }),
    ).toEqual({
      id: '0b7d9c62-3f0e-4a43-9d8c-6f7d2f1c1a10',
      hostId: '5f1d2c3b-4a59-4e68-8d7c-6b5a49382716',
      isActive: false,
      maxParticipants: 5,
      createdAt: '2025-01-02T03:04:05.678Z',
    });
  });
});
