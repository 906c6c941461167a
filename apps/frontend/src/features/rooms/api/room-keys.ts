/** Query keys of room data; invalidating `all` refreshes every room query. */
export const roomKeys = {
  all: ['rooms'] as const,
  mine: () => [...roomKeys.all, 'mine'] as const,
  detail: (roomId: string) => [...roomKeys.all, 'detail', roomId] as const,
};
